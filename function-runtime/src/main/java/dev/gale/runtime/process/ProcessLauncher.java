package dev.gale.runtime.process;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts programs for the kinds: argv (never through a shell), a working directory, the agent's
 * environment without its {@code GALE_*} settings plus some variables, stdin empty, stdout and
 * stderr captured up to a limit each. Implementations are thread-safe: every slot may launch at
 * once.
 */
public interface ProcessLauncher extends AutoCloseable {

  /**
   * Starts a program. A launcher may return before the program runs (a spawn helper answers
   * asynchronously); a program that cannot start then fails {@link LaunchedProcess#waitFor()} with
   * the {@link IOException} described here instead.
   *
   * @param argv the program and its arguments; the program is looked up on the agent's {@code PATH}
   *     when it has no slash
   * @param cwd the working directory (exists)
   * @param env variables added to (or replacing) the scrubbed agent environment
   * @param maxOutputBytes how much of stdout and of stderr is kept (the rest is read and dropped)
   * @return the running program
   * @throws IOException when the program cannot be started (not found, not executable, bad
   *     directory); the message names the cause as {@code error=N, text}
   */
  LaunchedProcess launch(List<String> argv, Path cwd, Map<String, String> env, int maxOutputBytes)
      throws IOException;

  /**
   * Gets ready for launches without waiting (e.g. starts a helper in the background), so that the
   * first program does not pay for it. Optional; never throws.
   */
  default void warmUp() {}

  /** Stops what the launcher started for itself (helper processes, threads); idempotent. */
  @Override
  void close();
}
