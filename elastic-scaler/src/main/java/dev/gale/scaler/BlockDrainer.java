package dev.gale.scaler;

/**
 * Stops new tasks from reaching a block's workers, so that the block can be stopped without cutting
 * a task. The assembly maps it to the gateway's per-worker drain.
 *
 * <p><b>Contract.</b> Thread-safe. Called on the scaler loop's thread; may block briefly. When
 * {@link #drain} returns, no further task is dispatched to the block's workers, including workers
 * of the block that connect later; tasks already running go on. Idempotent. A block without workers
 * is not an error.
 */
@FunctionalInterface
public interface BlockDrainer {
  /** A drainer that does nothing, for pools whose workers take no task once idle anyway. */
  BlockDrainer NONE = (pool, blockId) -> {};

  /**
   * Drains one block.
   *
   * @param pool the pool's name
   * @param blockId the provider's block id
   * @throws RuntimeException when the drain could not be requested; the loop does not treat the
   *     block as draining and asks again on its next tick
   */
  void drain(String pool, String blockId);
}
