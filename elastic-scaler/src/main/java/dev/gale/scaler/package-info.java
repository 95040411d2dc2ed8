/**
 * The elastic scaler: keeps the right number of blocks (local processes, pods, batch jobs) running
 * for each pool.
 *
 * <pre>
 *                 ┌──────────────────────── ScalerLoop (one per pool), every tick ──────────────┐
 *                 │                                                                             │
 *   Provider ─────┼─▶ 1. status(ids) ──▶ track blocks: state, running since, idle since,        │
 *                 │                      ended ones dropped, failures to start counted          │
 *   QueueDepth ───┼─▶ 2. depth(pool)  ──▶ queued, running, running tasks per block              │
 *   Source        │                                                                             │
 *                 │   3. PoolSnapshot ──▶ Strategy.decide (pure) ──▶ Decision + reason + health  │
 *                 │                                                                             │
 *   BlockDrainer ◀┼── 4. drain(ids)   (no new tasks; cancelled by a later tick once idle)        │
 *   Provider     ◀┼── 5. cancel(ids), then submit(request) × start                              │
 *                 │                                                                             │
 *   /v1/pools    ◀┼── 6. status(): last snapshot, decision, health, blocks                      │
 *                 └─────────────────────────────────────────────────────────────────────────────┘
 *
 *   pool settings ──▶ ProviderRegistry.create(key) ──▶ Provider (submit / status / cancel / adopt)
 *   ScalerService (package service): one loop per pool, one per cluster, live settings
 * </pre>
 *
 * The scaler never sees tasks and never knows the scheduler: the assembly wires a {@link
 * dev.gale.scaler.QueueDepthSource} over the scheduler, a {@link dev.gale.scaler.BlockDrainer} over
 * the gateway, and the node-agent command into the provider ({@link dev.gale.scaler.BlockCommand}).
 */
package dev.gale.scaler;
