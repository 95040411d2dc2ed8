package dev.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code gale up} as a child JVM started from the packaged jar and lib directory, exactly as {@code
 * ./gale up} runs it, with its workers as grandchildren.
 */
final class UpProcess implements AutoCloseable {
  final Path home;
  final Process process;
  final URI url;
  final Set<ProcessHandle> tree = new HashSet<>();

  /**
   * Block (worker) id → pid of its latest process, from the local provider's log lines: a block
   * started fresh, or from the standby agent the pool kept ready (which a replacement often is).
   */
  private final Map<String, Long> blockPids;

  private static final Pattern BLOCK_STARTED =
      Pattern.compile(
          "block (\\S+) of pool \\S+ started (?:as pid|from the standby agent \\(pid) (\\d+)");

  private UpProcess(Path home, Process process, URI url, Map<String, Long> blockPids) {
    this.home = home;
    this.process = process;
    this.url = url;
    this.blockPids = blockPids;
  }

  /**
   * Starts {@code gale up --port 0} with the given extra arguments and waits for its "up" line.
   *
   * @param ownProcessGroup run it under {@code setsid}, as a terminal's foreground job
   */
  static UpProcess start(Path home, boolean ownProcessGroup, String... extraArgs) throws Exception {
    List<String> cmd = new ArrayList<>();
    if (ownProcessGroup) {
      cmd.add("setsid");
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(System.getProperty("gale.test.jvm", "").trim().split("\\s+")));
    cmd.add("-cp");
    cmd.add(
        System.getProperty("gale.cli.jar")
            + File.pathSeparator
            + System.getProperty("gale.cli.lib")
            + "/*");
    cmd.add("dev.gale.cli.Main");
    cmd.addAll(List.of("up", "--port", "0", "--home", home.toString(), "--drain-seconds", "5"));
    cmd.addAll(Arrays.asList(extraArgs));
    cmd.removeIf(String::isBlank);

    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("GALE_"));
    Process p = pb.start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    StringBuilder seen = new StringBuilder();
    Map<String, Long> blockPids = new ConcurrentHashMap<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                  Matcher m = BLOCK_STARTED.matcher(l);
                  if (m.find()) {
                    blockPids.put(m.group(1), Long.parseLong(m.group(2)));
                  }
                  lines.add(l);
                  synchronized (seen) {
                    seen.append(l).append('\n');
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "gale-up-output");
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      String l = lines.poll(1, TimeUnit.SECONDS);
      if (l == null) {
        assertThat(p.isAlive()).as("gale up exited early:\n%s", seen).isTrue();
        continue;
      }
      if (l.startsWith("Gale is up at ")) {
        UpProcess up =
            new UpProcess(
                home, p, URI.create(l.substring("Gale is up at ".length()).trim()), blockPids);
        p.toHandle().descendants().forEach(up.tree::add);
        return up;
      }
    }
    p.destroyForcibly();
    throw new AssertionError("no 'Gale is up' line within 120 s:\n" + seen);
  }

  /** The admin token that {@code gale up} wrote. */
  String adminToken() throws IOException {
    return Files.readString(home.resolve("token")).trim();
  }

  /**
   * The live process of a worker: {@code gale up} names its workers after their blocks and logs
   * each block's pid when it starts it.
   */
  Optional<ProcessHandle> workerProcess(String workerId) {
    Long pid = blockPids.get(workerId);
    return pid == null ? Optional.empty() : ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
  }

  /** Waits for the process to exit 0 and for every process it started to be gone. */
  void assertStopsCleanly() throws Exception {
    assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("gale up stopped").isTrue();
    assertThat(process.exitValue()).isZero();
    awaitTreeGone(10);
  }

  /** Waits up to {@code seconds} for every process it started to be gone, then asserts it. */
  void awaitTreeGone(int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (tree.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(tree)
        .as("processes started by gale up")
        .isNotEmpty()
        .noneMatch(ProcessHandle::isAlive);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    tree.forEach(ProcessHandle::destroyForcibly);
  }
}
