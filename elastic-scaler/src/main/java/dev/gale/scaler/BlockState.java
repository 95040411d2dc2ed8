package dev.gale.scaler;

/**
 * The life cycle of a block (one local process, one pod, one batch job), the same for every
 * provider. Each provider maps its native states onto these through one translation table.
 */
public enum BlockState {
  /** Requested; not running yet (queued in the batch system, pod scheduling). */
  PENDING,
  /** Running. */
  RUNNING,
  /** Ended by itself with success. */
  COMPLETED,
  /** Ended by itself with an error, or could not start. */
  FAILED,
  /** Stopped on request through {@code Provider.cancel}. */
  CANCELLED,
  /** Reached its walltime. Expected for pilot jobs, not a failure. */
  TIMEOUT,
  /** The provider no longer knows the block (never submitted here, or purged). */
  MISSING,
  /** Stopped by the scaler because it was no longer needed. */
  SCALED_IN;

  /** True for states a block never leaves. */
  public boolean isTerminal() {
    return this != PENDING && this != RUNNING;
  }
}
