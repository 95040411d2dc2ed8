package dev.gale.benchmarks;

import dev.gale.scheduler.Scheduler;
import dev.gale.scheduler.SchedulerOptions;
import dev.gale.scheduler.Schedulers;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Heap held per queued task: one embedded member (no store) takes {@code N} Echo tasks in batches
 * of 1,000 into a pool that has no workers, and the heap used after a full GC is compared with the
 * heap before. Not a JMH benchmark (it measures bytes, not time):
 *
 * <pre>
 * java -Xmx4g -cp benchmarks/target/benchmarks.jar dev.gale.benchmarks.QueuedHeap 1000000
 * </pre>
 *
 * Prints one line: tasks, heap before and after (MiB), and bytes per queued task. With {@code
 * -Dgale.bench.holdSeconds=S} the member stays up S seconds after that, for {@code jcmd PID
 * GC.class_histogram}.
 */
public final class QueuedHeap {
  private static final int BATCH = 1_000;

  private QueuedHeap() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    if (n < BATCH || n % BATCH != 0) {
      System.err.println("usage: QueuedHeap TASKS (a multiple of " + BATCH + ")");
      System.exit(2);
    }
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    try (Scheduler s = Schedulers.member(SchedulerOptions.forTests())) {
      s.submit(Samples.newTasks(BATCH)); // classes loaded, structures created
      long before = usedAfterGc(memory);
      for (int i = 1; i < n / BATCH; i++) {
        s.submit(Samples.newTasks(BATCH));
      }
      long after = usedAfterGc(memory);
      long queued = s.queueDepth(Samples.POOL);
      System.out.printf(
          "queued=%d heapBeforeMiB=%d heapAfterMiB=%d bytesPerQueuedTask=%d%n",
          queued, before >> 20, after >> 20, (after - before) / Math.max(1, queued - BATCH));
    }
  }

  private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
