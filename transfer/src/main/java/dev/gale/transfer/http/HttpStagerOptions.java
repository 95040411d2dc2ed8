package dev.gale.transfer.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link HttpStager}. Immutable; build with {@link #builder()}, whose setters state
 * each default.
 *
 * <p>Retries: an attempt that fails with an I/O error (refused or dropped connection, timeout) or
 * an answer of 408, 429, 500, 502, 503 or 504 is retried up to {@code maxRetries} times. The n-th
 * retry waits {@code initialBackoff * 2^(n-1)}, capped at {@code maxBackoff}, less a random part of
 * up to {@code jitter} of it; a {@code Retry-After} answer is honoured instead, up to {@code
 * maxRetryAfter}. A download that was cut resumes where it stopped, so a retry after a dropped
 * connection does not fetch the received bytes again.
 *
 * @param connectTimeout bound on opening a connection
 * @param readTimeout bound on waiting for the next bytes of an answer
 * @param writeTimeout bound on sending the next bytes of a request
 * @param callTimeout bound on one whole attempt, or {@link Duration#ZERO} for none
 * @param maxRetries retries after the first attempt (0 = no retries)
 * @param initialBackoff wait before the first retry
 * @param maxBackoff cap of the exponential wait
 * @param jitter fraction (0..1) of each wait that is randomised downwards
 * @param maxRetryAfter cap on a server's {@code Retry-After}
 * @param userAgent the {@code User-Agent} request header
 */
public record HttpStagerOptions(
    Duration connectTimeout,
    Duration readTimeout,
    Duration writeTimeout,
    Duration callTimeout,
    int maxRetries,
    Duration initialBackoff,
    Duration maxBackoff,
    double jitter,
    Duration maxRetryAfter,
    String userAgent) {

  /** Validates the settings. */
  public HttpStagerOptions {
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(readTimeout, "readTimeout");
    requirePositive(writeTimeout, "writeTimeout");
    requireNonNegative(callTimeout, "callTimeout");
    requireNonNegative(initialBackoff, "initialBackoff");
    requireNonNegative(maxBackoff, "maxBackoff");
    requireNonNegative(maxRetryAfter, "maxRetryAfter");
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be within 0..1, was " + jitter);
    }
    Objects.requireNonNull(userAgent, "userAgent");
  }

  /** The defaults, as listed on {@link Builder}. */
  public static HttpStagerOptions defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    return new Builder()
        .connectTimeout(connectTimeout)
        .readTimeout(readTimeout)
        .writeTimeout(writeTimeout)
        .callTimeout(callTimeout)
        .maxRetries(maxRetries)
        .initialBackoff(initialBackoff)
        .maxBackoff(maxBackoff)
        .jitter(jitter)
        .maxRetryAfter(maxRetryAfter)
        .userAgent(userAgent);
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }

  private static void requireNonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + d);
    }
  }

  /** Builds {@link HttpStagerOptions}; each setter names its default. */
  public static final class Builder {
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(30);
    private Duration writeTimeout = Duration.ofSeconds(30);
    private Duration callTimeout = Duration.ZERO;
    private int maxRetries = 5;
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private double jitter = 0.2;
    private Duration maxRetryAfter = Duration.ofMinutes(2);
    private String userAgent = "gale-transfer";

    private Builder() {}

    /** Bound on opening a connection. Default 10 s. */
    public Builder connectTimeout(Duration v) {
      connectTimeout = v;
      return this;
    }

    /** Bound on waiting for the next bytes of an answer. Default 30 s. */
    public Builder readTimeout(Duration v) {
      readTimeout = v;
      return this;
    }

    /** Bound on sending the next bytes of a request. Default 30 s. */
    public Builder writeTimeout(Duration v) {
      writeTimeout = v;
      return this;
    }

    /**
     * Bound on one whole attempt. Default {@link Duration#ZERO}: none, since large files take long
     * and the read and write timeouts already catch a stalled peer.
     */
    public Builder callTimeout(Duration v) {
      callTimeout = v;
      return this;
    }

    /** Retries after the first attempt. Default 5. */
    public Builder maxRetries(int v) {
      maxRetries = v;
      return this;
    }

    /** Wait before the first retry, doubled for each further one. Default 500 ms. */
    public Builder initialBackoff(Duration v) {
      initialBackoff = v;
      return this;
    }

    /** Cap of the exponential wait. Default 30 s. */
    public Builder maxBackoff(Duration v) {
      maxBackoff = v;
      return this;
    }

    /**
     * Fraction (0..1) of each wait that is randomised downwards, so that many workers that failed
     * together do not retry together. Default 0.2.
     */
    public Builder jitter(double v) {
      jitter = v;
      return this;
    }

    /** Cap on the wait a server asks for with {@code Retry-After}. Default 2 min. */
    public Builder maxRetryAfter(Duration v) {
      maxRetryAfter = v;
      return this;
    }

    /** The {@code User-Agent} request header. Default {@code gale-transfer}. */
    public Builder userAgent(String v) {
      userAgent = v;
      return this;
    }

    /** The options; invalid values throw {@link IllegalArgumentException}. */
    public HttpStagerOptions build() {
      return new HttpStagerOptions(
          connectTimeout,
          readTimeout,
          writeTimeout,
          callTimeout,
          maxRetries,
          initialBackoff,
          maxBackoff,
          jitter,
          maxRetryAfter,
          userAgent);
    }
  }
}
