package dev.gale.scaler;

import java.time.Instant;
import java.util.Objects;

/**
 * What a {@link ScalerLoop} shares about one of its blocks, so that the scaler that takes the pool
 * over after it (see {@code ScalerService}) can adopt the block instead of losing track of it.
 *
 * @param id the provider's block id
 * @param jobId the provider's own name for it ({@link dev.gale.scaler.spi.Provider#jobId}), or null
 * @param state the last state the loop saw
 * @param since when the loop saw it enter that state
 * @param submittedAt when it was submitted
 * @param runningSince when it was first seen running, or null
 * @param started whether it counts as started (see {@link ScalerLoop})
 * @param draining asked to take no new task
 * @param stopping asked to stop, not ended yet
 */
public record BlockRecord(
    String id,
    String jobId,
    BlockState state,
    Instant since,
    Instant submittedAt,
    Instant runningSince,
    boolean started,
    boolean draining,
    boolean stopping) {

  /** Checks nulls. */
  public BlockRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(submittedAt, "submittedAt");
  }
}
