package dev.gale.scaler.strategy;

import dev.gale.scaler.BlockState;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link Strategy} may look at for one decision about one pool, taken at one instant.
 * Immutable.
 *
 * @param now the instant of the snapshot; strategies read time only from here
 * @param settings the pool's settings
 * @param queued tasks waiting in the pool's ready queue; {@code >= 0}
 * @param running tasks of the pool dispatched and not finished; {@code >= 0}
 * @param blocks the live blocks ({@code PENDING} or {@code RUNNING}) that are not being stopped;
 *     ended blocks are left out
 * @param stopping blocks already asked to stop that have not ended yet; they still count against
 *     {@code maxBlocks}
 * @param failures recent failures of blocks to start
 * @param firstDecision true for the first decision of a scaler loop, when {@code initBlocks}
 *     applies
 */
public record PoolSnapshot(
    Instant now,
    PoolSettings settings,
    long queued,
    long running,
    List<Block> blocks,
    int stopping,
    StartFailures failures,
    boolean firstDecision) {

  /** Checks nulls and ranges; copies {@code blocks}. */
  public PoolSnapshot {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(failures, "failures");
    blocks = List.copyOf(blocks);
    if (queued < 0 || running < 0 || stopping < 0) {
      throw new IllegalArgumentException(
          "queued, running and stopping must not be negative, got "
              + queued
              + ", "
              + running
              + ", "
              + stopping);
    }
  }

  /**
   * One live block as the scaler loop sees it.
   *
   * @param id the provider's block id
   * @param state {@code PENDING} or {@code RUNNING}
   * @param since when the loop saw it enter {@code state}
   * @param submittedAt when it was submitted
   * @param runningTasks tasks running on its workers now; {@code >= 0}
   * @param idleSince since when it has had no running task (for a block that has not run one yet:
   *     since it became running, or for a pending block since it was submitted); null exactly when
   *     {@code runningTasks > 0}
   * @param walltimeEnd when its walltime runs out, or null (no walltime, or not running yet)
   * @param draining true once it has been asked to take no new tasks
   */
  public record Block(
      String id,
      BlockState state,
      Instant since,
      Instant submittedAt,
      int runningTasks,
      Instant idleSince,
      Instant walltimeEnd,
      boolean draining) {

    /** Checks nulls and that the fields agree. */
    public Block {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(since, "since");
      Objects.requireNonNull(submittedAt, "submittedAt");
      if (state.isTerminal()) {
        throw new IllegalArgumentException("block " + id + " is " + state + ": not live");
      }
      if (runningTasks < 0) {
        throw new IllegalArgumentException(
            "runningTasks must not be negative, got " + runningTasks);
      }
      if ((runningTasks == 0) != (idleSince != null)) {
        throw new IllegalArgumentException(
            "block " + id + ": idleSince must be set exactly when it runs no task");
      }
    }

    /** True while it is {@code PENDING}. */
    public boolean pending() {
      return state == BlockState.PENDING;
    }
  }
}
