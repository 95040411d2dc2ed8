/**
 * Processes for the kinds: how programs are started, captured and killed.
 *
 * <pre>
 *  slot thread ──launch(argv, cwd, env, max)──▶ SpawnHelperLauncher
 *                                                 │ one per node agent; restarts a dead helper,
 *                                                 │ falls back to ProcessBuilderLauncher
 *                                                 ▼
 *                          SpawnHelper ══ stdin: spawn / kill requests (JSON lines) ══▶ gale_spawn.py
 *                          reader thread ◀══ stdout: started / failed / exit + output ══ (python3)
 *                                                                          │ posix_spawn, own
 *                                                                          ▼ process group
 *                                                                       the program
 * </pre>
 *
 * Killing a program signals its process group (through the helper) and walks its process tree from
 * the JVM ({@link dev.gale.runtime.process.ProcessTrees}), so descendants that left the group are
 * found too.
 */
package dev.gale.runtime.process;
