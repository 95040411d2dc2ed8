package dev.gale.runtime.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import dev.gale.api.RawJson;
import dev.gale.api.protocol.FunctionSpec;
import dev.gale.runtime.kinds.shell.ShellKind;
import dev.gale.runtime.spi.ArtifactSource;
import dev.gale.runtime.spi.Attempt;
import dev.gale.runtime.spi.Cancellation;
import dev.gale.runtime.spi.KindEnvironment;
import dev.gale.runtime.spi.Limits;
import dev.gale.runtime.spi.PreparedFunction;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: shell tasks ({@code true}) through {@link ShellKind} in one JVM, without the service,
 * to show what one shell task costs the node agent and the machine.
 *
 * <pre>
 * java -cp ... dev.gale.runtime.bench.ShellSpawnBench helper|jvm TASKS THREADS
 * </pre>
 *
 * Prints tasks/s and CPU per task: this JVM's, and its children's (from /proc/self/stat, which
 * counts the programs the JVM reaped itself; with the helper, the helper reaps them).
 */
public final class ShellSpawnBench {
  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "helper";
    int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    Path dir = Files.createTempDirectory("gale-spawn-bench");
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try (ShellKind kind =
        new ShellKind(
            new KindEnvironment(dir, threads, "python3", ArtifactSource.NONE, timer), mode)) {
      ObjectNode spec = Json.object();
      spec.putArray("command").add("true");
      PreparedFunction f = kind.prepare(new FunctionSpec("f1", "shell", spec, null));
      run(f, dir, Math.max(200, tasks / 5), threads, new AtomicLong()); // warm-up
      long cpu0 = cpuNanos();
      long[] kids0 = childTicks("self");
      long[] helper0 = helperTicks();
      long[] readers0 = threadTicks("gale-spawn");
      AtomicLong slotNanos = new AtomicLong();
      long t0 = System.nanoTime();
      run(f, dir, tasks, threads, slotNanos);
      double secs = (System.nanoTime() - t0) / 1e9;
      double cpuMs = (cpuNanos() - cpu0) / 1e6 / tasks;
      long[] kids1 = childTicks("self");
      long[] helper1 = helperTicks();
      long[] readers1 = threadTicks("gale-spawn");
      double tick = 1000.0 / 100 / tasks;
      System.out.printf(
          "%s: %d tasks, %d threads: %.0f tasks/s; CPU ms/task: JVM %.3f (slot threads %.3f,"
              + " helper reader %.3f), helper %.3f, programs %.3f; load %s%n",
          mode,
          tasks,
          threads,
          tasks / secs,
          cpuMs,
          slotNanos.get() / 1e6 / tasks,
          (readers1[0] - readers0[0]) * tick,
          (helper1[0] - helper0[0]) * tick,
          (kids1[1] - kids0[1] + helper1[1] - helper0[1]) * tick,
          Files.readString(Path.of("/proc/loadavg")).trim());
    } finally {
      timer.shutdownNow();
    }
  }

  private static void run(
      PreparedFunction f, Path dir, int tasks, int threads, AtomicLong slotNanos) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicLong seq = new AtomicLong();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      futures.add(
          pool.submit(
              () -> {
                long i;
                while ((i = seq.incrementAndGet()) <= tasks) {
                  Path work = dir.resolve("a" + i);
                  Attempt a =
                      new Attempt(
                          "t" + i,
                          1,
                          RawJson.EMPTY_OBJECT,
                          null,
                          new Cancellation(),
                          Limits.DEFAULT,
                          work);
                  if (!f.run(a).ok()) {
                    throw new IllegalStateException("task failed");
                  }
                  if (a.workDirCreated()) {
                    dev.gale.runtime.process.WorkDirs.deleteTree(work);
                  }
                }
                slotNanos.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                return null;
              }));
    }
    for (Future<?> fu : futures) {
      fu.get();
    }
    pool.shutdown();
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** {utime + stime, cutime + cstime} of a process, in clock ticks; zeros when it is gone. */
  private static long[] childTicks(String pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new long[] {
        Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14])
      };
    } catch (Exception e) {
      return new long[2];
    }
  }

  /** {@link #childTicks} of the spawn helper (a child running gale_spawn.py), zeros if none. */
  private static long[] helperTicks() {
    return ProcessHandle.current()
        .children()
        .filter(
            p -> p.info().arguments().map(a -> String.join(" ", a)).orElse("").contains("spawn"))
        .findFirst()
        .map(p -> childTicks(Long.toString(p.pid())))
        .orElse(new long[2]);
  }

  /** Summed {utime + stime} of this JVM's threads whose name starts with {@code prefix}. */
  private static long[] threadTicks(String prefix) throws Exception {
    long sum = 0;
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          if (Files.readString(t.resolve("comm")).startsWith(prefix)) {
            sum += childTicks("self/task/" + t.getFileName())[0];
          }
        } catch (Exception e) {
          // the thread ended
        }
      }
    }
    return new long[] {sum};
  }
}
