package dev.gale.scaler;

import dev.gale.scaler.strategy.PoolSettings;
import dev.gale.scaler.strategy.PoolSnapshot;
import java.time.Instant;

/**
 * What a {@link ScalerLoop} remembers of one of its blocks between ticks. All times come from the
 * loop's clock (never the provider's), so that idle and walltime arithmetic uses one clock. Not
 * thread-safe: only touched under the loop's lock.
 */
final class TrackedBlock {
  final String id;
  final Instant submittedAt;
  String jobId;
  BlockState state = BlockState.PENDING;
  String message;
  Instant since;
  Instant runningSince;
  int runningTasks;
  Instant idleSince;
  boolean servedTask;
  boolean workersSeen;
  boolean started;
  boolean draining;
  boolean stopping;

  TrackedBlock(String id, Instant submittedAt) {
    this.id = id;
    this.submittedAt = submittedAt;
    this.since = submittedAt;
    this.idleSince = submittedAt;
  }

  /** A block an earlier loop tracked, as it left it. */
  static TrackedBlock adopted(BlockRecord r, Instant now) {
    TrackedBlock t = new TrackedBlock(r.id(), r.submittedAt());
    t.jobId = r.jobId();
    t.state = r.state().isTerminal() ? BlockState.PENDING : r.state();
    t.since = r.since();
    t.runningSince = r.runningSince();
    // a fresh idle clock: what the block ran before the hand-over is unknown here
    t.idleSince = now;
    t.started = r.started();
    t.servedTask = r.started();
    t.workersSeen = r.started();
    t.draining = r.draining();
    t.stopping = r.stopping();
    return t;
  }

  /** What another loop needs to adopt it. */
  BlockRecord record() {
    return new BlockRecord(
        id, jobId, state, since, submittedAt, runningSince, started, draining, stopping);
  }

  /** Takes a provider status (not terminal). */
  void observe(BlockStatus s, Instant now) {
    message = s.message();
    if (s.state() != state) {
      state = s.state();
      since = now;
      if (state == BlockState.RUNNING && runningSince == null) {
        runningSince = now;
        // a block gets a fresh idle clock when it starts: its workers still have to connect
        idleSince = runningTasks == 0 ? now : null;
      }
    }
  }

  /**
   * Takes the running tasks on the block and whether a worker of it is connected.
   *
   * <p>A running block's idle clock starts when its first worker connects: until then its node
   * agent is still starting (a JVM, a container pull, a batch job's prologue), and draining it as
   * idle would stop it just as it could take work. A block none of whose workers has connected
   * {@code stableAfter} after it started running counts as idle from then, so that a block whose
   * workers never come is still scaled in.
   *
   * @return true when this observation makes the block count as started
   */
  boolean observeLoad(int tasks, boolean hasWorkers, Instant now, PoolSettings cfg) {
    runningTasks = tasks;
    if (hasWorkers || tasks > 0) {
      workersSeen = true;
    }
    if (tasks > 0) {
      servedTask = true;
      idleSince = null;
    } else if (!workersSeen && runningSince != null) {
      Instant giveUp = runningSince.plus(cfg.stableAfter());
      idleSince = now.isBefore(giveUp) ? now : giveUp;
    } else if (idleSince == null) {
      idleSince = now;
    }
    if (!started
        && runningSince != null
        && (servedTask || !now.isBefore(runningSince.plus(cfg.stableAfter())))) {
      started = true;
      return true;
    }
    return false;
  }

  /** The block for a strategy's snapshot. */
  PoolSnapshot.Block view(PoolSettings cfg) {
    Instant walltimeEnd =
        cfg.walltime() == null || runningSince == null ? null : runningSince.plus(cfg.walltime());
    return new PoolSnapshot.Block(
        id,
        state,
        since,
        submittedAt,
        runningTasks,
        runningTasks == 0 ? idleSince : null,
        walltimeEnd,
        draining);
  }

  ScalerStatus.BlockInfo info() {
    return new ScalerStatus.BlockInfo(
        id,
        jobId,
        state,
        message,
        since,
        submittedAt,
        runningSince,
        runningTasks,
        started,
        draining,
        stopping);
  }
}
