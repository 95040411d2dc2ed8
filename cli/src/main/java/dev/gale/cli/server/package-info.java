/**
 * The roles a {@code gale} process can play. {@code up} assembles all of them in one JVM:
 *
 * <pre>
 *   Schedulers.member ─▶ Gateway.start ─▶ admin token → $GALE_HOME/token
 *        ─▶ putPool("default": local, min = init = max = --workers, owner "gale up")
 *        ─▶ ScalerService over SchedulerBridge (settings, leases, status map, queue depth)
 *           with WorkerCommands (node-agent argv per provider, worker token per pool, env only):
 *           one ScalerLoop per pool: N × "Main worker" processes for default, more pools live
 *   SIGTERM/SIGINT ─▶ loops paused ─▶ drainWorkers ─▶ blocks cancelled (SIGTERM, grace, kill tree)
 *        ─▶ gateway ─▶ Vert.x ─▶ scheduler ─▶ exit 0
 * </pre>
 *
 * {@code scaler} runs the same ScalerService as a client of a scheduler cluster; {@code
 * ProviderPoolValidator} lets the gateway check pool settings against the providers.
 */
package dev.gale.cli.server;
