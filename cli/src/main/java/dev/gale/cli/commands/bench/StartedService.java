package dev.gale.cli.commands.bench;

import dev.gale.api.UnavailableException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A service that {@code gale bench --start} runs for itself: {@code gale up --port 0} in a
 * temporary {@code GALE_HOME}, started through the installation's launcher script ({@code
 * $GALE_LAUNCHER}, which {@code ./gale} sets) or, without one, with this JVM's java, flags and
 * class path. Ready once it prints its "Gale is up at URL" line; {@link #close} stops it with
 * SIGTERM (it drains and stops its workers) and deletes the home.
 */
public final class StartedService implements AutoCloseable {
  static final String UP_LINE = "Gale is up at ";
  private static final int TAIL_LINES = 40;

  private final Process process;
  private final Path home;
  private final URI url;
  private final String token;

  private StartedService(Process process, Path home, URI url, String token) {
    this.process = process;
    this.home = home;
    this.url = url;
    this.token = token;
  }

  /**
   * Starts the service and waits up to {@code readySeconds} for it to be up.
   *
   * @param env the environment of the command line ({@code GALE_LAUNCHER} picks the launcher)
   * @param upArgs extra arguments for {@code gale up} (e.g. {@code --workers 2})
   * @throws UnavailableException {@code bench_start_failed} with the tail of its output when it
   *     exits or is not up in time
   */
  public static StartedService start(Map<String, String> env, List<String> upArgs, int readySeconds)
      throws IOException, InterruptedException {
    Path home = Files.createTempDirectory("gale-bench-");
    List<String> cmd = new ArrayList<>(launcher(env));
    cmd.addAll(List.of("up", "--port", "0", "--home", home.toString()));
    cmd.addAll(upArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    // the client settings of the caller are not the started service's; the build is the one
    // running now, so the launcher must not start another
    pb.environment().keySet().removeIf(k -> k.equals("GALE_URL") || k.equals("GALE_TOKEN"));
    pb.environment().remove("GALE_HOME");
    pb.environment().remove("GALE_CONFIG");
    pb.environment().put("GALE_NO_BUILD", "1");
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      deleteTree(home);
      throw new UnavailableException(
          "bench_start_failed", "cannot run " + cmd.get(0) + ": " + e.getMessage(), null, null);
    }
    Deque<String> tail = new ArrayDeque<>();
    CompletableFuture<URI> up = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                  synchronized (tail) {
                    tail.addLast(l);
                    if (tail.size() > TAIL_LINES) {
                      tail.removeFirst();
                    }
                  }
                  if (l.startsWith(UP_LINE)) {
                    up.complete(URI.create(l.substring(UP_LINE.length()).trim()));
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
              up.complete(null);
            },
            "bench-gale-up-output");
    reader.setDaemon(true);
    reader.start();
    URI url;
    try {
      url = up.get(readySeconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      url = null;
    }
    if (url == null) {
      stop(p);
      deleteTree(home);
      String seen;
      synchronized (tail) {
        seen = String.join("\n", tail);
      }
      throw new UnavailableException(
          "bench_start_failed",
          "gale up ("
              + String.join(" ", cmd)
              + ") was not up within "
              + readySeconds
              + " s"
              + (p.isAlive() ? "" : " (exit " + p.exitValue() + ")")
              + "; its output:\n"
              + seen,
          null,
          null);
    }
    String token = Files.readString(home.resolve("token")).trim();
    return new StartedService(p, home, url, token);
  }

  /**
   * The command that runs the launcher: {@code $GALE_LAUNCHER} when set, else this JVM's java with
   * its flags and class path running {@code dev.gale.cli.Main}.
   */
  static List<String> launcher(Map<String, String> env) {
    String script = env.get("GALE_LAUNCHER");
    if (script != null && !script.isBlank() && Files.isExecutable(Path.of(script))) {
      return List.of(script);
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // debugger and agent flags belong to this JVM only
      if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-Xrun")) {
        cmd.add(a);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.gale.cli.Main");
    return cmd;
  }

  /** The service's URL. */
  public URI url() {
    return url;
  }

  /** Its admin token. */
  public String token() {
    return token;
  }

  /** Stops the service (SIGTERM, then forcibly after a minute) and deletes its home. */
  @Override
  public void close() {
    stop(process);
    try {
      deleteTree(home);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void stop(Process p) {
    List<ProcessHandle> tree = p.toHandle().descendants().toList();
    p.destroy();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    // gale up stops its workers itself; anything left after it exited is killed
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
