package dev.gale.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs {@code scripts/topology.sh} of the repository under test on one directory and reads what it
 * leaves there: {@code topology.env}, the pid files and the role logs.
 */
final class TopologyScript {
  /** The roles in the order the script starts them. */
  static final List<String> ROLES =
      List.of("scheduler-0", "scheduler-1", "scheduler-2", "gateway-0", "gateway-1", "scaler");

  /** What one run of the script printed and returned. */
  record Run(int code, String output) {}

  private final Path repo;
  private final Path dir;
  private final Map<String, String> env;

  /**
   * @param dir the topology's directory
   * @param env extra environment of the script ({@code TOPOLOGY_*})
   */
  TopologyScript(Path dir, Map<String, String> env) {
    this.repo = Path.of(System.getProperty("gale.repo.dir", "..")).toAbsolutePath().normalize();
    this.dir = dir;
    this.env = Map.copyOf(env);
  }

  /** Runs {@code topology.sh COMMAND DIR}, waiting up to {@code seconds} (then kills it). */
  Run run(String command, int seconds) throws IOException, InterruptedException {
    Path out = Files.createTempFile("topology-" + command, ".out");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(
                  "bash", repo.resolve("scripts/topology.sh").toString(), command, dir.toString())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().keySet().removeIf(k -> k.startsWith("GALE_") || k.startsWith("TOPOLOGY_"));
      pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        return new Run(
            -1,
            Files.readString(out)
                + "\n(topology.sh "
                + command
                + " killed after "
                + seconds
                + " s)");
      }
      return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** The {@code NAME=VALUE} lines of {@code topology.env}. */
  Map<String, String> topologyEnv() throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : Files.readAllLines(dir.resolve("topology.env"))) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        m.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return m;
  }

  /** The process of a role by its pid file, whether or not it still runs. */
  Optional<Long> pid(String role) throws IOException {
    Path f = dir.resolve("pids").resolve(role + ".pid");
    return Files.isRegularFile(f)
        ? Optional.of(Long.parseLong(Files.readString(f).trim()))
        : Optional.empty();
  }

  /** The live processes of the roles (by their pid files). */
  List<ProcessHandle> liveRoles() throws IOException {
    List<ProcessHandle> out = new ArrayList<>();
    for (String role : ROLES) {
      pid(role).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).ifPresent(out::add);
    }
    return out;
  }

  /**
   * The processes whose arguments contain {@code --worker-id ID}: the node agent of a block. Reads
   * {@code /proc/PID/cmdline}, since {@link ProcessHandle.Info#arguments()} is empty for command
   * lines as long as a worker's (its whole class path).
   */
  static List<ProcessHandle> blockProcesses(String blockId) {
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      return all.filter(p -> hasArguments(p.pid(), "--worker-id", blockId)).toList();
    }
  }

  private static boolean hasArguments(long pid, String name, String value) {
    List<String> args = arguments(pid);
    for (int i = 0; i + 1 < args.size(); i++) {
      if (args.get(i).equals(name) && args.get(i + 1).equals(value)) {
        return true;
      }
    }
    return false;
  }

  /** The command line of a live process (empty when it is gone). */
  static List<String> arguments(long pid) {
    return procStrings(pid, "cmdline");
  }

  /** The environment a live process started with, from {@code /proc/PID/environ}. */
  static Map<String, String> environment(long pid) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String kv : procStrings(pid, "environ")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        env.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return env;
  }

  private static List<String> procStrings(long pid, String file) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), file));
      return raw.length == 0
          ? List.of()
          : List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
    } catch (IOException e) {
      return List.of(); // gone, or not ours to read
    }
  }

  /** The last lines of every role log, to show when something fails. */
  String logs() {
    StringBuilder b = new StringBuilder();
    for (String role : ROLES) {
      Path log = dir.resolve("logs").resolve(role + ".log");
      b.append("\n--- ").append(log).append(" ---\n");
      try {
        List<String> lines = Files.readAllLines(log);
        lines
            .subList(Math.max(0, lines.size() - 30), lines.size())
            .forEach(l -> b.append(l).append('\n'));
      } catch (IOException e) {
        b.append("(").append(e).append(")\n");
      }
    }
    return b.toString();
  }
}
