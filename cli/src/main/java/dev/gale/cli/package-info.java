/**
 * The {@code gale} command line and the assembly of roles.
 *
 * <pre>
 *   ./gale ARGS ─▶ Main.execute: --config pre-scanned ─▶ Config (env &gt; file &gt; default)
 *                  picocli parses; flags win; ConfigDefaults fills the rest by @Setting key
 *                  ├─ server roles (dev.gale.cli.server): up, gateway, scheduler, worker
 *                  └─ client commands (dev.gale.cli.commands) over GaleClient
 * </pre>
 */
package dev.gale.cli;
