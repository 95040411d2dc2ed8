package dev.gale.runtime.impl;

import dev.gale.api.ErrorInfo;
import dev.gale.api.protocol.FunctionSpec;
import dev.gale.api.protocol.TaskAssignment;
import dev.gale.api.protocol.TaskBatch;
import dev.gale.api.protocol.TaskResult;
import dev.gale.runtime.spi.Cancellation;
import dev.gale.runtime.spi.ErrorCodes;
import dev.gale.runtime.spi.Limits;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's local scheduler: a FIFO of assigned attempts and a fixed set of slot threads that run
 * them, never more than {@code slots} at once. Attempts beyond the slots (the prefetch) wait in the
 * queue.
 *
 * <pre>
 *  accept(batch) ──▶ queue ──▶ slot threads ──run──▶ ResultSink (outbox)
 *  cancel(ids): queued → reported cancelled at once; running → Cancellation fired
 *  timeout: a timer fires the attempt's Cancellation with TIMEOUT
 *  an attempt that ignores its cancellation for abandonGrace is reported and its thread replaced
 * </pre>
 *
 * <p>Thread-safe. {@link #accept} and {@link #cancel} are called on the event loop and never block
 * (cancellation actions run on the timer).
 */
final class TaskEngine {
  private static final Logger LOG = LoggerFactory.getLogger(TaskEngine.class);

  private final int slots;
  private final AttemptRunner runner;
  private final ScheduledExecutorService timer;
  private final Duration abandonGrace;
  private final ResultSink sink;
  private final FunctionTable functions;
  private final Runnable onIdle;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition workAvailable = lock.newCondition();
  private final Condition idleOrStopped = lock.newCondition();
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private final Map<String, Job> jobs = new HashMap<>();
  private final List<SlotThread> threads = new ArrayList<>();
  private int running;
  private boolean accepting = true;
  private boolean stopped;

  private final AtomicInteger threadSeq = new AtomicInteger();

  TaskEngine(
      int slots,
      Path attemptsDir,
      ScheduledExecutorService timer,
      Duration abandonGrace,
      ResultSink sink,
      Supplier<Limits> limits,
      AttemptStaging staging,
      FunctionTable functions,
      Runnable onIdle) {
    this.slots = slots;
    this.runner = new AttemptRunner(attemptsDir, timer, limits, staging);
    this.timer = timer;
    this.abandonGrace = abandonGrace;
    this.sink = sink;
    this.functions = functions;
    this.onIdle = onIdle;
  }

  /** Starts the slot threads. */
  void start() {
    lock.lock();
    try {
      for (int i = 0; i < slots; i++) {
        SlotThread t = newSlotThread();
        threads.add(t);
        t.start();
      }
    } finally {
      lock.unlock();
    }
  }

  private SlotThread newSlotThread() {
    SlotThread[] self = new SlotThread[1];
    self[0] = new SlotThread(() -> slotLoop(self[0]), "gale-slot-" + threadSeq.incrementAndGet());
    return self[0];
  }

  // ---- intake ----

  /** Queues a batch's tasks; those that cannot run are reported at once. Never blocks. */
  void accept(TaskBatch batch) {
    Map<String, FunctionEntry> byId = new HashMap<>();
    if (batch.functions() != null) {
      for (FunctionSpec spec : batch.functions()) {
        byId.put(spec.id(), functions.resolve(spec));
      }
    }
    List<TaskResult> rejected = new ArrayList<>(0);
    List<Job> superseded = new ArrayList<>(0);
    int added = 0;
    boolean idle;
    lock.lock();
    try {
      for (TaskAssignment task : batch.tasks()) {
        if (!accepting) {
          rejected.add(
              notRun(
                  task,
                  ErrorCodes.WORKER_DRAINING,
                  "the worker is draining and takes no new tasks; the task was not started"));
          continue;
        }
        FunctionEntry function = byId.get(task.function());
        if (function == null) {
          rejected.add(
              notRun(
                  task,
                  ErrorCodes.INVALID_FUNCTION,
                  "function " + task.function() + " was not sent with the task"));
          continue;
        }
        Job existing = jobs.get(task.taskId());
        if (existing != null) {
          if (existing.attempt() >= task.attempt()) {
            continue; // the same assignment again
          }
          existing.superseded = true;
          if (existing.state == Job.State.QUEUED) {
            queue.remove(existing);
            existing.state = Job.State.DONE;
          } else {
            superseded.add(existing);
          }
        }
        Job job = new Job(task, function);
        jobs.put(task.taskId(), job);
        queue.addLast(job);
        added++;
      }
      if (added == 1) {
        workAvailable.signal();
      } else if (added > 1) {
        workAvailable.signalAll();
      }
      idle = queue.isEmpty() && running == 0;
    } finally {
      lock.unlock();
    }
    for (TaskResult r : rejected) {
      sink.publish(r, idle);
    }
    cancelLater(superseded, Cancellation.Reason.CANCELLED);
  }

  private static TaskResult notRun(TaskAssignment task, String code, String message) {
    return new TaskResult(
        task.taskId(),
        task.attempt(),
        false,
        null,
        ErrorInfo.of(code, message),
        null,
        Instant.now());
  }

  /**
   * Cancels tasks: queued ones are reported {@code cancelled} without running; running ones get
   * their cancellation fired (on the timer thread). Unknown ids are ignored. Never blocks.
   */
  void cancel(Collection<String> taskIds) {
    List<TaskResult> dropped = new ArrayList<>(0);
    List<Job> toCancel = new ArrayList<>(0);
    boolean idle;
    lock.lock();
    try {
      for (String id : taskIds) {
        Job job = jobs.get(id);
        if (job == null) {
          continue;
        }
        if (job.state == Job.State.QUEUED) {
          queue.remove(job);
          jobs.remove(id);
          job.state = Job.State.DONE;
          dropped.add(notRun(job.task, ErrorCodes.CANCELLED, "cancelled before it started"));
        } else if (job.state == Job.State.RUNNING) {
          toCancel.add(job);
        }
      }
      idle = queue.isEmpty() && running == 0;
    } finally {
      lock.unlock();
    }
    for (TaskResult r : dropped) {
      sink.publish(r, idle);
    }
    cancelLater(toCancel, Cancellation.Reason.CANCELLED);
    if (!dropped.isEmpty() && idle) {
      onIdle.run();
    }
  }

  private void cancelLater(List<Job> jobsToCancel, Cancellation.Reason reason) {
    if (jobsToCancel.isEmpty()) {
      return;
    }
    Runnable action =
        () -> {
          for (Job job : jobsToCancel) {
            job.cancellation.cancel(reason);
          }
        };
    try {
      timer.execute(action);
    } catch (RejectedExecutionException e) {
      action.run();
    }
  }

  // ---- state ----

  /** Ids of the tasks queued or running here. */
  List<String> activeIds() {
    lock.lock();
    try {
      return new ArrayList<>(jobs.keySet());
    } finally {
      lock.unlock();
    }
  }

  /** Task id → attempt of every task queued or running here. */
  Map<String, Integer> heldAttempts() {
    lock.lock();
    try {
      Map<String, Integer> out = new HashMap<>(jobs.size() * 2);
      jobs.values().forEach(j -> out.put(j.taskId(), j.attempt()));
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** Attempts running now. */
  int running() {
    lock.lock();
    try {
      return running;
    } finally {
      lock.unlock();
    }
  }

  /** Tasks queued or running. */
  int active() {
    lock.lock();
    try {
      return jobs.size();
    } finally {
      lock.unlock();
    }
  }

  /** True when nothing is queued or running. */
  boolean isIdle() {
    lock.lock();
    try {
      return queue.isEmpty() && running == 0;
    } finally {
      lock.unlock();
    }
  }

  /**
   * From now on, tasks that arrive are reported {@code worker_draining} instead of queued; those
   * queued but not started yet (prefetched) are handed back the same way, so that a draining worker
   * only finishes what it runs (the scheduler requeues them without using a retry).
   */
  void stopAccepting() {
    List<TaskResult> handedBack = new ArrayList<>(0);
    boolean idle;
    lock.lock();
    try {
      accepting = false;
      for (Job job : queue) {
        jobs.remove(job.taskId());
        job.state = Job.State.DONE;
        if (!job.superseded) {
          handedBack.add(
              notRun(
                  job.task,
                  ErrorCodes.WORKER_DRAINING,
                  "the worker started draining before it started the task"));
        }
      }
      queue.clear();
      idle = running == 0;
      if (idle) {
        idleOrStopped.signalAll();
      }
    } finally {
      lock.unlock();
    }
    for (TaskResult r : handedBack) {
      sink.publish(r, idle);
    }
  }

  /**
   * Stops everything: queued tasks are reported {@code worker_stopped} without running, running
   * ones are cancelled with {@link Cancellation.Reason#SHUTDOWN} (on the calling thread).
   */
  void killAll() {
    List<TaskResult> dropped = new ArrayList<>();
    List<Job> toCancel = new ArrayList<>();
    lock.lock();
    try {
      accepting = false;
      for (Job job : queue) {
        jobs.remove(job.taskId());
        job.state = Job.State.DONE;
        if (!job.superseded) {
          dropped.add(
              notRun(job.task, ErrorCodes.WORKER_STOPPED, "the worker stopped before it started"));
        }
      }
      queue.clear();
      for (Job job : jobs.values()) {
        if (job.state == Job.State.RUNNING) {
          toCancel.add(job);
        }
      }
    } finally {
      lock.unlock();
    }
    for (TaskResult r : dropped) {
      sink.publish(r, true);
    }
    for (Job job : toCancel) {
      job.cancellation.cancel(Cancellation.Reason.SHUTDOWN);
    }
  }

  /**
   * Waits until nothing is queued or running.
   *
   * @return true if idle before the timeout
   */
  boolean awaitIdle(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (!(queue.isEmpty() && running == 0)) {
        if (nanos <= 0) {
          return false;
        }
        nanos = idleOrStopped.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Lets the slot threads end once the queue is empty; waits for them up to {@code timeout}. */
  void stop(Duration timeout) throws InterruptedException {
    List<SlotThread> toJoin;
    lock.lock();
    try {
      stopped = true;
      accepting = false;
      workAvailable.signalAll();
      toJoin = new ArrayList<>(threads);
    } finally {
      lock.unlock();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (SlotThread t : toJoin) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }

  // ---- slots ----

  private void slotLoop(SlotThread self) {
    try {
      while (true) {
        Job job = take(self);
        if (job == null) {
          return;
        }
        runJob(job);
        if (self.retired) {
          return;
        }
      }
    } finally {
      lock.lock();
      try {
        threads.remove(self);
      } finally {
        lock.unlock();
      }
    }
  }

  private Job take(SlotThread self) {
    lock.lock();
    try {
      while (true) {
        if (self.retired) {
          return null;
        }
        Job job = queue.pollFirst();
        if (job != null) {
          job.state = Job.State.RUNNING;
          job.slot = self;
          running++;
          return job;
        }
        if (stopped) {
          return null;
        }
        try {
          workAvailable.await();
        } catch (InterruptedException e) {
          // a late interrupt meant for a finished attempt; keep serving
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private void runJob(Job job) {
    job.cancellation.onCancel(() -> scheduleAbandonCheck(job));
    finish(job, runner.run(job));
  }

  private void finish(Job job, TaskResult result) {
    boolean idle;
    boolean urgent;
    lock.lock();
    try {
      if (job.state != Job.State.RUNNING) {
        return; // abandoned: already reported
      }
      job.state = Job.State.DONE;
      running--;
      jobs.remove(job.taskId(), job);
      idle = queue.isEmpty() && running == 0;
      if (idle) {
        idleOrStopped.signalAll();
      }
      urgent = queue.size() < slots;
    } finally {
      lock.unlock();
    }
    if (!job.superseded) {
      sink.publish(result, urgent);
    }
    if (idle) {
      onIdle.run();
    }
  }

  private void scheduleAbandonCheck(Job job) {
    try {
      timer.schedule(() -> abandonIfStuck(job), abandonGrace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // shutting down: stop() bounds the wait for slot threads anyway
    }
  }

  private void abandonIfStuck(Job job) {
    SlotThread stuck;
    SlotThread replacement = null;
    boolean idle;
    lock.lock();
    try {
      if (job.state != Job.State.RUNNING) {
        return;
      }
      job.state = Job.State.ABANDONED;
      running--;
      jobs.remove(job.taskId(), job);
      stuck = job.slot;
      stuck.retired = true;
      threads.remove(stuck);
      if (!stopped) {
        replacement = newSlotThread();
        threads.add(replacement);
      }
      idle = queue.isEmpty() && running == 0;
      if (idle) {
        idleOrStopped.signalAll();
      }
    } finally {
      lock.unlock();
    }
    Cancellation.Reason reason = job.cancellation.reason();
    LOG.warn(
        "attempt {} of task {} did not stop within {} after {}; abandoning thread {}",
        job.attempt(),
        job.taskId(),
        abandonGrace,
        reason,
        stuck.getName());
    stuck.interrupt();
    if (replacement != null) {
      replacement.start();
    }
    if (!job.superseded) {
      String message =
          AttemptRunner.stoppedMessage(reason, job.function.timeout())
              + "; it did not stop within "
              + abandonGrace.toSeconds()
              + " s and was abandoned";
      sink.publish(
          new TaskResult(
              job.taskId(),
              job.attempt(),
              false,
              null,
              ErrorInfo.of(reason.code(), message),
              null,
              Instant.now()),
          idle);
    }
    if (idle) {
      onIdle.run();
    }
  }

  /** Threads serving slots now (for tests). */
  int threadCount() {
    lock.lock();
    try {
      return threads.size();
    } finally {
      lock.unlock();
    }
  }
}
