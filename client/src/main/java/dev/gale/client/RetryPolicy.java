package dev.gale.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How the client retries answers that ask it to come back later: {@code 429} (back-pressure) and
 * {@code 503} (not ready). Other errors are never retried.
 *
 * <p>The delay before retry {@code n} (1-based) is the server's {@code Retry-After} when it sends
 * one, else {@code initialBackoff * 2^(n-1)} with up to 20 % jitter; either way at most {@code
 * maxBackoff}.
 *
 * @param maxAttempts attempts in total, including the first (1 disables retries); default 8
 * @param initialBackoff first delay without {@code Retry-After}; default 250 ms
 * @param maxBackoff cap on any one delay; default 30 s
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
  }

  /** 8 attempts, 250 ms doubling, capped at 30 s. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(8, Duration.ofMillis(250), Duration.ofSeconds(30));
  }

  /** One attempt, no retries. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
  }

  /**
   * The delay before retry number {@code retry} (1 for the first retry).
   *
   * @param retryAfter the server's {@code Retry-After}, or null
   * @param jitter a number in [0, 1) that spreads clients apart
   */
  Duration delay(int retry, Duration retryAfter, double jitter) {
    Duration d;
    if (retryAfter != null) {
      d = retryAfter;
    } else {
      long base = initialBackoff.toMillis() << Math.min(retry - 1, 20);
      d = Duration.ofMillis(base + (long) (base * 0.2 * jitter));
    }
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }
}
