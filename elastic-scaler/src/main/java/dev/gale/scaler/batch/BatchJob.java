package dev.gale.scaler.batch;

import dev.gale.scaler.BlockState;
import dev.gale.scaler.BlockStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * What a {@link BatchProvider} knows of one block's job. Thread-safe.
 *
 * <p>Its final status is kept once seen, because schedulers forget finished jobs after a while
 * ({@code MinJobAge} in Slurm, {@code keep_completed} in Torque).
 */
public final class BatchJob {
  private final String blockId;
  private final String jobId;
  private final BlockFiles files;
  private final Duration walltime;
  private final Instant submittedAt;
  private volatile boolean cancelled;
  private BlockStatus last;
  private Instant runningSince;
  private volatile BlockStatus finalStatus;

  BatchJob(String blockId, String jobId, BlockFiles files, Duration walltime, Instant submittedAt) {
    this.blockId = blockId;
    this.jobId = jobId;
    this.files = files;
    this.walltime = walltime;
    this.submittedAt = submittedAt;
  }

  /** The block's id. */
  public String blockId() {
    return blockId;
  }

  /** The scheduler's job id. */
  public String jobId() {
    return jobId;
  }

  /** The block's files. */
  public BlockFiles files() {
    return files;
  }

  /** The job's time limit. */
  public Duration walltime() {
    return walltime;
  }

  /** When the provider submitted it. */
  public Instant submittedAt() {
    return submittedAt;
  }

  /** True once {@code cancel} asked for it. */
  public boolean cancelled() {
    return cancelled;
  }

  /** When it was first seen running, or null. */
  public synchronized Instant runningSince() {
    return runningSince;
  }

  /** Its terminal status once seen, or null. */
  public BlockStatus finalStatus() {
    return finalStatus;
  }

  /** Marks it cancelled; false when it already was or has ended. */
  synchronized boolean markCancelled() {
    if (cancelled || finalStatus != null) {
      return false;
    }
    cancelled = true;
    return true;
  }

  synchronized void unmarkCancelled() {
    cancelled = false;
  }

  /**
   * Records a status seen now; {@code since} null means "since the state was first seen".
   *
   * @return the status with its time settled
   */
  synchronized BlockStatus record(BlockState state, String message, Instant since, Instant now) {
    if (finalStatus != null) {
      return finalStatus;
    }
    Instant at = since;
    if (at == null) {
      at = last != null && last.state() == state ? last.since() : now;
    }
    if (state == BlockState.RUNNING && runningSince == null) {
      runningSince = at;
    }
    last = new BlockStatus(state, message, at);
    if (state.isTerminal()) {
      finalStatus = last;
    }
    return last;
  }
}
