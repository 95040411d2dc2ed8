package dev.gale.cli.commands.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A progress line rewritten in place on stderr while a benchmark runs, only when stderr is a
 * terminal (so logs and pipes get no carriage-return noise) and {@code --quiet} is not given.
 */
public final class Progress implements AutoCloseable {
  private static final long PERIOD_MILLIS = 250;

  private final PrintWriter err;
  private final ScheduledExecutorService timer;
  private int width;
  private boolean closed;

  private Progress(PrintWriter err, Supplier<String> line, boolean enabled) {
    this.err = err;
    if (!enabled) {
      this.timer = null;
      return;
    }
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bench-progress");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleAtFixedRate(
        () -> show(line.get()), PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * Shows {@code line} every quarter second on {@code err} when {@code enabled}; otherwise the
   * progress shows nothing.
   */
  public static Progress start(boolean enabled, PrintWriter err, Supplier<String> line) {
    return new Progress(err, line, enabled);
  }

  /** Whether this process's stderr is a terminal (Linux: {@code /proc/self/fd/2} is a tty). */
  public static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (Exception e) {
      // no /proc: a console means an interactive session
      return System.console() != null;
    }
  }

  private synchronized void show(String line) {
    if (closed) {
      return;
    }
    String padded = line.length() < width ? line + " ".repeat(width - line.length()) : line;
    width = line.length();
    err.print("\r" + padded);
    err.flush();
  }

  /** Stops the line and clears it, so the report starts on a clean line. */
  @Override
  public synchronized void close() {
    if (timer == null || closed) {
      return;
    }
    closed = true;
    timer.shutdownNow();
    if (width > 0) {
      err.print("\r" + " ".repeat(width) + "\r");
      err.flush();
    }
  }
}
