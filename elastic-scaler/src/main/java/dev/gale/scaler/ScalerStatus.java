package dev.gale.scaler;

import dev.gale.scaler.strategy.Decision;
import dev.gale.scaler.strategy.PoolHealth;
import dev.gale.scaler.strategy.PoolSettings;
import dev.gale.scaler.strategy.PoolSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link ScalerLoop} shows of its pool, for {@code GET /v1/pools/{name}} and metrics: taken
 * at the end of a tick, immutable.
 *
 * @param pool the pool's name
 * @param strategy the strategy's name
 * @param settings the settings in force
 * @param at when the last tick ended; null before the first
 * @param snapshot what the strategy saw at the last decision; null before the first
 * @param decision the last decision, with its reason; null before the first
 * @param health the pool's health
 * @param blocks the blocks the loop tracks (live, draining or stopping)
 */
public record ScalerStatus(
    String pool,
    String strategy,
    PoolSettings settings,
    Instant at,
    PoolSnapshot snapshot,
    Decision decision,
    PoolHealth health,
    List<BlockInfo> blocks) {

  /** Checks nulls; copies {@code blocks}. */
  public ScalerStatus {
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(health, "health");
    blocks = List.copyOf(blocks);
  }

  /**
   * One block.
   *
   * @param id the provider's block id
   * @param jobId the provider's own name for it (batch job id, pid, pod), or null
   * @param state the last state the provider reported
   * @param message the provider's message with it, or null
   * @param since when the loop saw it enter that state
   * @param submittedAt when it was submitted
   * @param runningSince when it was first seen running, or null
   * @param runningTasks tasks running on it at the last tick
   * @param started whether it counts as started (a block that ends before is a failure to start)
   * @param draining asked to take no new task
   * @param stopping asked to stop, not ended yet
   */
  public record BlockInfo(
      String id,
      String jobId,
      BlockState state,
      String message,
      Instant since,
      Instant submittedAt,
      Instant runningSince,
      int runningTasks,
      boolean started,
      boolean draining,
      boolean stopping) {}
}
