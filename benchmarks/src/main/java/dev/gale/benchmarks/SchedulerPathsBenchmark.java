package dev.gale.benchmarks;

import dev.gale.api.Task;
import dev.gale.api.protocol.ResultBatch;
import dev.gale.api.protocol.TaskResult;
import dev.gale.api.protocol.WorkerMessage;
import dev.gale.api.protocol.WorkerProtocol;
import dev.gale.scheduler.Dispatch;
import dev.gale.scheduler.Outcome;
import dev.gale.scheduler.Scheduler;
import dev.gale.scheduler.SchedulerOptions;
import dev.gale.scheduler.Schedulers;
import dev.gale.scheduler.WorkerCredit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The scheduler's hot paths on one embedded Hazelcast member on loopback (no store), through its
 * public interface, {@value #BATCH} tasks per call as the gateway batches them; scores are tasks/s.
 *
 * <ul>
 *   <li>{@code submit}: a batch accepted, each task {@code queued} and in its pool's ready queue;
 *   <li>{@code dispatch}: {@link Scheduler#take} — the ready queues drained highest priority first
 *       and each task moved to {@code running} under a worker by an entry processor;
 *   <li>{@code resultPath}: a worker's {@code results} frame decoded as the gateway decodes it
 *       ({@link WorkerProtocol#decode}) and recorded ({@link Scheduler#complete}: {@code running →
 *       succeeded});
 *   <li>{@code fullCycle}: all three, one after another.
 * </ul>
 *
 * The set-up of each call (e.g. submitting and dispatching the tasks whose results {@code
 * resultPath} records) is not measured; the tear-down finishes what the call left running, so
 * queues stay short.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Xmx4g",
      "-Dhazelcast.phone.home.enabled=false",
      "-Dhazelcast.logging.type=none",
      "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
      "--add-modules",
      "java.se",
      "--add-exports",
      "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens",
      "java.base/java.lang=ALL-UNNAMED",
      "--add-opens",
      "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens",
      "java.management/sun.management=ALL-UNNAMED",
      "--add-opens",
      "jdk.management/com.sun.management.internal=ALL-UNNAMED"
    })
public class SchedulerPathsBenchmark {
  static final int BATCH = 100;
  private static final String WORKER = "w-bench-1";
  private static final long TAKE_TIMEOUT_MILLIS = 5_000;

  private Scheduler scheduler;

  /** What the current call works on; prepared by the per-call set-up. */
  private List<Task> submitted;

  private List<Dispatch> running;
  private String resultFrame;

  @Setup(Level.Trial)
  public void startMember() {
    scheduler = Schedulers.member(SchedulerOptions.forTests());
  }

  @TearDown(Level.Trial)
  public void stopMember() {
    scheduler.close();
  }

  /**
   * Per call: tasks queued for {@code dispatch}, running with a result frame for the result path.
   */
  @Setup(Level.Invocation)
  public void prepare(org.openjdk.jmh.infra.BenchmarkParams params) throws InterruptedException {
    submitted = null;
    running = null;
    resultFrame = null;
    String name = params.getBenchmark();
    if (name.endsWith(".dispatch") || name.endsWith(".resultPath")) {
      submitted = scheduler.submit(Samples.newTasks(BATCH));
    }
    if (name.endsWith(".resultPath")) {
      running = takeAll();
      resultFrame = WorkerProtocol.encode(new ResultBatch(results(running)));
    }
  }

  /** Per call: finishes whatever the call left queued or running. */
  @TearDown(Level.Invocation)
  public void finish(org.openjdk.jmh.infra.BenchmarkParams params) throws InterruptedException {
    String name = params.getBenchmark();
    if (name.endsWith(".submit")) {
      complete(takeAll());
    } else if (name.endsWith(".dispatch")) {
      complete(running);
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<Task> submit() {
    submitted = scheduler.submit(Samples.newTasks(BATCH));
    return submitted;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<Dispatch> dispatch() throws InterruptedException {
    running = takeAll();
    return running;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<String> resultPath() {
    WorkerMessage m = WorkerProtocol.decode(resultFrame);
    return scheduler.complete(outcomes(WORKER, (ResultBatch) m, Instant.now()));
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<String> fullCycle() throws InterruptedException {
    scheduler.submit(Samples.newTasks(BATCH));
    List<Dispatch> d = takeAll();
    String frame = WorkerProtocol.encode(new ResultBatch(results(d)));
    return scheduler.complete(
        outcomes(WORKER, (ResultBatch) WorkerProtocol.decode(frame), Instant.now()));
  }

  /** Takes until the whole batch is running (take may hand out fewer than asked). */
  private List<Dispatch> takeAll() throws InterruptedException {
    List<Dispatch> all = new ArrayList<>(BATCH);
    while (all.size() < BATCH) {
      List<Dispatch> got =
          scheduler.take(
              Samples.POOL,
              List.of(new WorkerCredit(WORKER, BATCH - all.size())),
              TAKE_TIMEOUT_MILLIS);
      if (got.isEmpty()) {
        throw new IllegalStateException(
            "the ready queue ran dry after " + all.size() + " of " + BATCH + " tasks");
      }
      all.addAll(got);
    }
    return all;
  }

  private void complete(List<Dispatch> dispatched) {
    if (dispatched != null && !dispatched.isEmpty()) {
      String frame = WorkerProtocol.encode(new ResultBatch(results(dispatched)));
      scheduler.complete(
          outcomes(WORKER, (ResultBatch) WorkerProtocol.decode(frame), Instant.now()));
    }
  }

  /** What a worker reports for Echo tasks: each task's args back as its result. */
  private static List<TaskResult> results(List<Dispatch> dispatched) {
    Instant now = Instant.now();
    List<TaskResult> out = new ArrayList<>(dispatched.size());
    for (Dispatch d : dispatched) {
      out.add(new TaskResult(d.taskId(), d.attempt(), true, d.args(), null, now, now));
    }
    return out;
  }

  /**
   * The gateway's mapping of a result to an outcome (its {@code WorkerHub.toOutcome}, which is not
   * public; the result-size check it also makes is left out).
   */
  private static List<Outcome> outcomes(String workerId, ResultBatch batch, Instant now) {
    List<Outcome> out = new ArrayList<>(batch.results().size());
    for (TaskResult r : batch.results()) {
      out.add(
          new Outcome(
              r.taskId(),
              r.attempt(),
              workerId,
              r.ok(),
              r.result(),
              r.error(),
              r.startedAt(),
              r.finishedAt() == null ? now : r.finishedAt()));
    }
    return out;
  }
}
