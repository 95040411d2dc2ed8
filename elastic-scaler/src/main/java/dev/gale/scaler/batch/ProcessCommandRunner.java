package dev.gale.scaler.batch;

import dev.gale.scaler.ProviderException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands as child processes with a fixed environment and a time limit. A command that runs
 * too long is killed with its descendants and reported as a retryable {@link ProviderException}.
 *
 * <p>Output goes to temporary files rather than pipes, so that a grandchild that keeps a pipe open
 * can never block the reader; each stream is kept up to {@value #MAX_OUTPUT} bytes.
 */
public final class ProcessCommandRunner implements CommandRunner {
  /**
   * Variables of the scaler's own environment that commands get by default. Nothing else is passed
   * on: {@code sbatch} hands its environment to the job, and the scaler's environment may hold its
   * own secrets.
   */
  public static final List<String> INHERITED =
      List.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "LC_CTYPE", "TZ");

  /** Bytes of stdout and of stderr kept per command. */
  public static final int MAX_OUTPUT = 1 << 20;

  private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";

  private final Map<String, String> environment;
  private final Duration timeout;

  /**
   * A runner; does no I/O.
   *
   * @param environment the complete environment of every command (see {@link #environment})
   * @param timeout how long a command may run before it is killed
   */
  public ProcessCommandRunner(Map<String, String> environment, Duration timeout) {
    this.environment = Map.copyOf(environment);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
  }

  /**
   * An environment for commands: {@link #INHERITED} and {@code inherit} taken from {@code parent}
   * where set, then {@code set} on top. PATH falls back to the usual system directories.
   */
  public static Map<String, String> environment(
      Map<String, String> parent, Collection<String> inherit, Map<String, String> set) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", DEFAULT_PATH);
    for (String name : INHERITED) {
      if (parent.get(name) != null) {
        env.put(name, parent.get(name));
      }
    }
    for (String name : inherit) {
      if (parent.get(name) != null) {
        env.put(name, parent.get(name));
      }
    }
    env.putAll(set);
    return env;
  }

  /** The environment commands run with. */
  public Map<String, String> environment() {
    return environment;
  }

  @Override
  public CommandResult run(List<String> argv) {
    List<String> command = List.copyOf(argv);
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("gale-cmd-", ".out");
      err = Files.createTempFile("gale-cmd-", ".err");
      return run(command, out, err);
    } catch (IOException e) {
      throw new ProviderException(
          "cannot create temporary files for '" + String.join(" ", command) + "': " + e, false, e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private CommandResult run(List<String> command, Path out, Path err) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().clear();
    pb.environment().putAll(environment);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw ProviderException.commandFailed(
          "cannot run '"
              + command.get(0)
              + "' (is it installed and on PATH="
              + environment.get("PATH")
              + "?): "
              + e.getMessage(),
          command,
          null,
          "",
          String.valueOf(e.getMessage()),
          false,
          e);
    }
    boolean finished;
    try {
      finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      kill(p);
      Thread.currentThread().interrupt();
      throw new ProviderException(
          "interrupted while running '" + String.join(" ", command) + "'", true, e);
    }
    if (!finished) {
      kill(p);
      throw ProviderException.commandFailed(
          "'"
              + String.join(" ", command)
              + "' did not finish within "
              + timeout.toMillis()
              + " ms and was killed",
          command,
          null,
          read(out),
          read(err),
          true,
          null);
    }
    return new CommandResult(command, p.exitValue(), read(out), read(err));
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String read(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      byte[] b = in.readNBytes(MAX_OUTPUT);
      String s = new String(b, StandardCharsets.UTF_8);
      return in.read() < 0 ? s : s + "\n... (truncated)";
    }
  }

  private static void deleteQuietly(Path f) {
    if (f != null) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException ignored) {
        // a temporary file; the OS cleans up eventually
      }
    }
  }
}
