/**
 * The roles a {@code gale} process can play. {@code up} assembles all of them in one JVM:
 *
 * <pre>
 *   Schedulers.member ─▶ Gateway.start ─▶ putPool("default") ─▶ admin token → $GALE_HOME/token
 *        ─▶ worker token (env only) ─▶ LocalProvider + FixedBlocks: N × "Main worker" processes
 *   SIGTERM/SIGINT ─▶ drainWorkers ─▶ blocks cancelled (SIGTERM, grace, kill tree)
 *        ─▶ gateway ─▶ Vert.x ─▶ scheduler ─▶ exit 0
 * </pre>
 */
package dev.gale.cli.server;
