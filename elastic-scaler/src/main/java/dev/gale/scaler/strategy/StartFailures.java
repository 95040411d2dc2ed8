package dev.gale.scaler.strategy;

import java.time.Instant;
import java.util.Objects;

/**
 * Consecutive failed attempts to start blocks in a pool, as the scaler loop observed them: a block
 * that could not be submitted, or that ended (failed, vanished, or exited) before it counted as
 * started (see {@link PoolSettings#stableAfter()}). A block that starts resets the count.
 *
 * <p>Blocks submitted together are one attempt: a failure counts only for a block submitted after
 * the last counted failure (a probe); the others of a failed wave update the reason only. So a wave
 * of ten broken blocks counts once and is followed by back-off and probes, rather than making the
 * pool unhealthy at once.
 *
 * @param consecutive failed attempts since the last block that started; {@code >= 0}
 * @param lastAt when the last counted failure was observed; null exactly when {@code consecutive}
 *     is 0
 * @param lastReason what the last one reported (exit code, stderr, scheduler reason); null when
 *     {@code consecutive} is 0
 */
public record StartFailures(int consecutive, Instant lastAt, String lastReason) {
  /** No failures. */
  public static final StartFailures NONE = new StartFailures(0, null, null);

  /** Checks that the fields agree. */
  public StartFailures {
    if (consecutive < 0) {
      throw new IllegalArgumentException("consecutive must not be negative, got " + consecutive);
    }
    if ((consecutive == 0) != (lastAt == null)) {
      throw new IllegalArgumentException("lastAt must be set exactly when consecutive > 0");
    }
  }

  /**
   * These failures after one more block failed to start.
   *
   * @param submittedAt when the failed block was submitted (for a submit that threw: {@code at})
   * @param at when the failure was observed
   * @param reason what it reported
   */
  public StartFailures failed(Instant submittedAt, Instant at, String reason) {
    Objects.requireNonNull(submittedAt, "submittedAt");
    Objects.requireNonNull(at, "at");
    String r = reason == null ? "unknown" : reason;
    if (consecutive > 0 && !submittedAt.isAfter(lastAt)) {
      return new StartFailures(consecutive, lastAt, r);
    }
    return new StartFailures(consecutive + 1, at, r);
  }
}
