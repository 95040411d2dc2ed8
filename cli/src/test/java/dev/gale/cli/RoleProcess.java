package dev.gale.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Gale role ({@code scheduler}, {@code gateway}, {@code worker}, ...) as a child JVM started
 * from the packaged jar and lib directory, as {@code ./gale <role>} runs it. Its output is kept so
 * that tests can wait for a line and show everything when something fails.
 */
final class RoleProcess implements AutoCloseable {
  final String name;
  final Process process;
  private final StringBuilder output = new StringBuilder();

  private RoleProcess(String name, Process process) {
    this.name = name;
    this.process = process;
  }

  /** Starts {@code Main args...} with these extra environment variables (others GALE_* removed). */
  static RoleProcess start(String name, Map<String, String> env, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(System.getProperty("gale.test.jvm", "").trim().split("\\s+")));
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(
        System.getProperty("gale.cli.jar")
            + File.pathSeparator
            + System.getProperty("gale.cli.lib")
            + "/*");
    cmd.add("dev.gale.cli.Main");
    cmd.addAll(Arrays.asList(args));
    cmd.removeIf(String::isBlank);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("GALE_"));
    pb.environment().putAll(env);
    RoleProcess r = new RoleProcess(name, pb.start());
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(r.process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) {
                  synchronized (r.output) {
                    r.output.append(l).append('\n');
                    r.output.notifyAll();
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "output-" + name);
    reader.setDaemon(true);
    reader.start();
    return r;
  }

  /**
   * Waits for a line matching {@code regex} and returns its first group (or the whole match).
   *
   * @throws AssertionError with the output so far when none comes in time or the process exits
   */
  String await(String regex, int seconds) throws InterruptedException {
    Pattern p = Pattern.compile(regex);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    synchronized (output) {
      while (true) {
        Matcher m = p.matcher(output);
        if (m.find()) {
          return m.groupCount() > 0 ? m.group(1) : m.group();
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0 || !process.isAlive() && !p.matcher(output).find()) {
          throw new AssertionError(
              name
                  + ": no line matching /"
                  + regex
                  + "/ (alive: "
                  + process.isAlive()
                  + "):\n"
                  + output);
        }
        output.wait(Math.min(left, 200));
      }
    }
  }

  /** Everything it printed so far. */
  String output() {
    synchronized (output) {
      return output.toString();
    }
  }

  /** SIGKILL: the process gets no chance to clean up. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** A free TCP port on loopback (racy, as any such helper; good enough for tests). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    // its children, found while it still runs: once it exits they are re-parented and lost
    java.util.List<ProcessHandle> children = process.toHandle().descendants().toList();
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }
}
