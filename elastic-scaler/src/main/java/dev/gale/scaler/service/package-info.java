/**
 * The scaler as a service: {@link dev.gale.scaler.service.ScalerService} runs one {@link
 * dev.gale.scaler.ScalerLoop} per pool, exactly one per pool in the cluster, created, changed and
 * removed live as the pools' settings change.
 *
 * <pre>
 *   PoolSettingsSource ──▶ PoolSpec.parse ──▶ ProviderRegistry + BlockCommandFactory ──▶ Provider
 *   LeaseSource        ──▶ "scaler.pool.NAME": take, renew every ttl/3, lose ──▶ stop, keep blocks
 *   PoolStatusStore    ◀── status after every tick (fenced): blocks, decision, health, metrics
 *                      ──▶ read by the next holder, which adopts the blocks (Provider.adopt)
 * </pre>
 *
 * The assembly implements the four interfaces over the scheduler (settings, leases, a status map)
 * and the gateway's token store (the worker token in each block's environment); nothing here knows
 * either.
 */
package dev.gale.scaler.service;
