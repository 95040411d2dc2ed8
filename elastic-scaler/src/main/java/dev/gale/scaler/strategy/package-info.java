/**
 * The scaling brain: a pure {@link dev.gale.scaler.strategy.Strategy} turns a {@link
 * dev.gale.scaler.strategy.PoolSnapshot} (time, settings, load, blocks, failures) into a {@link
 * dev.gale.scaler.strategy.Decision} (start, drain, cancel, reason with case labels, health).
 *
 * <pre>
 *   PoolSnapshot ──▶ Strategy.decide ──▶ Decision
 *   (now, settings,    no I/O, no clock,    start n, drain ids, cancel ids,
 *    queued, running,  no state             target, "case 1b: ...", health
 *    blocks, failures)
 * </pre>
 *
 * Nothing here performs an action; {@link dev.gale.scaler.ScalerLoop} builds the snapshots and
 * applies the decisions. See {@link dev.gale.scaler.strategy.QueueDepthStrategy} for the cases.
 */
package dev.gale.scaler.strategy;
