package dev.gale.runtime.process;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A program started by a {@link ProcessLauncher}. {@link #waitFor()} is called by one thread; the
 * kill methods may be called from any thread, any number of times.
 */
public interface LaunchedProcess {

  /** The program's process id. */
  long pid();

  /**
   * Waits until the program exited and its output pipes closed, or at most {@link #PIPE_LINGER}
   * after its exit when a background child still holds them (what arrived by then is reported).
   *
   * @return how the program ended, with its captured output
   * @throws InterruptedException when the waiting thread is interrupted (the program keeps running:
   *     the caller kills it)
   * @throws IOException when the program could not be started, as {@link ProcessLauncher#launch}
   *     describes it (a launcher that starts programs asynchronously reports it here)
   */
  ProcessOutcome waitFor() throws InterruptedException, IOException;

  /**
   * Kills the program's process tree: {@code SIGTERM} now, {@code SIGKILL} after {@code grace} to
   * whatever is still alive. Does not wait.
   */
  void kill(Duration grace, ScheduledExecutorService timer);

  /** Kills the program's process tree with {@code SIGKILL} at once. Does not wait. */
  void killForcibly();

  /** How long output pipes may stay open after the program exited (held by background jobs). */
  Duration PIPE_LINGER = Duration.ofMillis(500);
}
