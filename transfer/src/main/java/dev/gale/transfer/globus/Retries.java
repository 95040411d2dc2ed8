package dev.gale.transfer.globus;

import dev.gale.transfer.StagingException;
import dev.gale.transfer.StagingException.Reason;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts the failed attempts of one request, waits between them and gives up when they run out. */
final class Retries {
  private static final Logger log = LoggerFactory.getLogger(Retries.class);
  private static final double JITTER = 0.2;

  private final GlobusStagerOptions options;
  private final Waits waits;
  private final String what;
  private int failures;

  Retries(GlobusStagerOptions options, Waits waits, String what) {
    this.options = options;
    this.waits = waits;
    this.what = what;
  }

  /**
   * Records a failure that may pass: waits (the server's {@code Retry-After} if given, else the
   * exponential backoff) or, when the retries are used up, throws a retryable failure.
   */
  void failed(String reason, Duration retryAfter) {
    failures++;
    if (failures > options.maxRetries()) {
      throw new StagingException(
          Reason.FAILED, what + " failed after " + failures + " attempts: " + reason, true, null);
    }
    Duration wait;
    if (retryAfter != null) {
      wait =
          retryAfter.compareTo(options.maxRetryAfter()) > 0 ? options.maxRetryAfter() : retryAfter;
    } else {
      double base =
          Math.min(
              options.maxBackoff().toMillis(),
              options.initialBackoff().toMillis() * Math.pow(2, failures - 1));
      wait =
          Duration.ofMillis(
              (long) (base - base * JITTER * ThreadLocalRandom.current().nextDouble()));
    }
    log.info(
        "{} failed ({}); retry {} of {} in {} ms",
        what,
        reason,
        failures,
        options.maxRetries(),
        wait.toMillis());
    sleep(waits, wait, what);
  }

  /** Sleeps, turning an interrupt into a CANCELLED failure (the flag stays set). */
  static void sleep(Waits waits, Duration d, String what) {
    try {
      waits.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StagingException(Reason.CANCELLED, what + " was interrupted", true, e);
    }
  }

  /** Seconds of a {@code Retry-After} header, or null. */
  static Duration retryAfter(String value) {
    if (value == null) {
      return null;
    }
    try {
      long s = Long.parseLong(value.trim());
      return s < 0 ? null : Duration.ofSeconds(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
