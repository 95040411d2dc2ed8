package dev.gale.scaler.service;

import dev.gale.scaler.BlockCommand;

/**
 * The command the blocks of a pool run (the node agent, {@code gale worker ...}) and its
 * environment (gateway URL, a worker token scoped to the pool), supplied by the assembly: the
 * scaler knows neither the command line nor how tokens are minted.
 *
 * <p><b>Contract.</b> Thread-safe; called on a pool's own thread when its provider is created; may
 * block briefly (minting a token is a cluster call).
 */
@FunctionalInterface
public interface BlockCommandFactory {

  /**
   * The command for the blocks of a pool.
   *
   * @throws dev.gale.api.InvalidRequestException when the pool's options do not make a valid
   *     command (e.g. a bad {@code options.galeCommand}); the pool is then reported unhealthy
   */
  BlockCommand command(PoolSpec spec);
}
