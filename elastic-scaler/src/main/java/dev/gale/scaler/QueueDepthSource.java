package dev.gale.scaler;

/**
 * Where a {@link ScalerLoop} reads the load of its pool. The scaler does not know the scheduler:
 * the assembly implements this over the scheduler's ready queues and the gateway's worker registry,
 * and wires it in.
 *
 * <p><b>Contract.</b> Thread-safe. Called on the scaler loop's thread once per tick; it may block
 * briefly (a cluster call) but should answer well within the loop's interval. Never returns null.
 */
@FunctionalInterface
public interface QueueDepthSource {

  /**
   * The load of a pool now.
   *
   * @param pool the pool's name
   * @return queued and running tasks, running tasks per block; never null
   * @throws RuntimeException when it cannot be read; the loop then leaves its blocks alone for this
   *     tick and reports the pool unhealthy with the message
   */
  QueueDepth depth(String pool);

  /**
   * Only the tasks queued for a pool: what a loop without blocks checks between two ticks, to react
   * to a burst at once. Override it when that is cheaper than {@link #depth}.
   */
  default long queued(String pool) {
    return depth(pool).queued();
  }
}
