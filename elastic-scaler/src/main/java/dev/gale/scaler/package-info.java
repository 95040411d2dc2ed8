/**
 * The elastic scaler: keeps blocks (local processes, pods, batch jobs) running for pools.
 *
 * <pre>
 *   pool settings ──▶ ProviderRegistry.create(key) ──▶ Provider (submit / status / cancel)
 *                                                        ▲
 *   FixedBlocks: every poll, status(ids) ─▶ a terminal block is replaced after a backoff;
 *                close() cancels all blocks
 * </pre>
 *
 * The scaler never sees tasks and never knows the scheduler; the assembly wires the node-agent
 * command into the provider ({@link dev.gale.scaler.BlockCommand}).
 */
package dev.gale.scaler;
