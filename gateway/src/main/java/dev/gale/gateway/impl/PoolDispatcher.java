package dev.gale.gateway.impl;

import dev.gale.api.ErrorInfo;
import dev.gale.api.FunctionDefinition;
import dev.gale.api.protocol.FunctionSpec;
import dev.gale.api.protocol.TaskAssignment;
import dev.gale.api.protocol.TaskBatch;
import dev.gale.scheduler.Dispatch;
import dev.gale.scheduler.Outcome;
import dev.gale.scheduler.Scheduler;
import dev.gale.scheduler.WorkerCredit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher of one pool on this gateway: a dedicated thread that asks the scheduler for as
 * many queued tasks as the pool's connected workers have credit, in one {@link Scheduler#take}
 * call, and sends each worker one {@link TaskBatch} carrying every function spec its tasks need
 * once. It sleeps while no worker has credit and wakes when a result or a new worker frees some
 * ({@link #signal()}).
 *
 * <pre>
 *   credits of idle-first workers ──▶ take(pool, credits, 250 ms) ──▶ group by worker
 *        ▲                                                              │ assign (or lost)
 *        └──── results free credit ◀── worker ◀── TaskBatch(specs, tasks)┘
 * </pre>
 */
final class PoolDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(PoolDispatcher.class);
  private static final long TAKE_TIMEOUT_MILLIS = 250;
  private static final long IDLE_WAIT_MILLIS = 250;

  private final String pool;
  private final Scheduler scheduler;
  private final FunctionCache functions;
  private final ResultRecorder recorder;
  private final Supplier<List<WorkerSession>> sessions;
  private final TaskBatchFrames frames;
  private final Thread thread;
  private final Object signal = new Object();
  private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> afterTake =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private boolean signalled;
  private volatile boolean running = true;

  /** The workers the latest take was for (dispatcher thread only). */
  private List<WorkerSession> lastAsked = List.of();

  PoolDispatcher(
      String pool,
      Scheduler scheduler,
      FunctionCache functions,
      ResultRecorder recorder,
      TaskBatchFrames frames,
      Supplier<List<WorkerSession>> sessions) {
    this.frames = frames;
    this.pool = pool;
    this.scheduler = scheduler;
    this.functions = functions;
    this.recorder = recorder;
    this.sessions = sessions;
    this.thread = new Thread(this::run, "gale-dispatch-" + pool);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Wakes the dispatcher: some worker of the pool may have credit now. */
  void signal() {
    synchronized (signal) {
      signalled = true;
      signal.notifyAll();
    }
  }

  /**
   * Hands a lost worker's attempts to the recorder once the take in progress, if any, has returned.
   * A take that started while the worker was connected may still count the worker's credit; giving
   * its attempts back only afterwards keeps them from being taken again for the dead worker.
   *
   * @return false when the dispatcher has stopped (the caller reports them itself)
   */
  boolean lostAfterTake(String workerId, Map<String, Integer> running, boolean forget) {
    if (!running()) {
      return false;
    }
    afterTake.add(() -> recorder.lost(workerId, running, forget));
    signal();
    return true;
  }

  boolean running() {
    return running && thread.isAlive();
  }

  private void flushAfterTake() {
    for (Runnable r; (r = afterTake.poll()) != null; ) {
      r.run();
    }
  }

  /** Stops the thread (interrupting a blocked take) and waits for it briefly. */
  void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flushAfterTake();
  }

  private void run() {
    while (running) {
      try {
        flushAfterTake();
        // Snapshot each worker's credit once: results change it concurrently.
        List<WorkerCredit> credits = new ArrayList<>();
        Map<String, WorkerSession> byId = new HashMap<>();
        List<long[]> order = new ArrayList<>();
        List<WorkerSession> all = sessions.get();
        for (int i = 0; i < all.size(); i++) {
          WorkerSession s = all.get(i);
          int credit = s.credit();
          if (credit > 0) {
            order.add(new long[] {s.unfinishedCount(), credit, i});
          }
        }
        if (order.isEmpty()) {
          awaitSignal();
          continue;
        }
        // Idle workers first, so that a short queue spreads over workers.
        order.sort(Comparator.comparingLong(a -> a[0]));
        for (long[] o : order) {
          WorkerSession s = all.get((int) o[2]);
          credits.add(new WorkerCredit(s.workerId, (int) o[1]));
          byId.put(s.workerId, s);
        }
        lastAsked = new ArrayList<>(byId.values());
        List<Dispatch> taken = scheduler.take(pool, credits, TAKE_TIMEOUT_MILLIS);
        if (!taken.isEmpty()) {
          deliver(taken, byId);
        }
        flushAfterTake();
      } catch (InterruptedException e) {
        if (!running) {
          flushAfterTake();
          return;
        }
      } catch (RuntimeException e) {
        if (!running) {
          flushAfterTake();
          return;
        }
        LOG.warn("dispatch for pool {} failed; retrying in 1 s: {}", pool, e.toString());
        sleepQuietly(1000);
        // The take may have marked tasks running for these workers before its answer was lost:
        // have the scheduler give back whatever they were not sent.
        for (WorkerSession s : lastAsked) {
          recorder.reconcile(s.workerId, s.unfinishedAttempts());
        }
      }
    }
  }

  /**
   * A worker of the pool that has room for one more task now (the least busy), or null. For {@link
   * Scheduler#submitTo}, which hands a task to it only while this dispatcher waits on the pool's
   * empty queues: a sync invoke then skips the ready queue and this thread (several cluster calls
   * and a thread hand-off). Any thread.
   */
  WorkerSession directTarget() {
    if (!running()) {
      return null;
    }
    WorkerSession best = null;
    for (WorkerSession s : sessions.get()) {
      if (s.credit() > 0 && (best == null || s.unfinishedCount() < best.unfinishedCount())) {
        best = s;
        if (s.unfinishedCount() == 0) {
          break; // an idle worker: none is less busy
        }
      }
    }
    return best;
  }

  /**
   * Sends a worker the task {@link Scheduler#submitTo} handed to it, as a take's tasks are sent (or
   * reports the attempt lost if the worker has gone meanwhile). Any thread.
   */
  void deliverDirect(Dispatch d, WorkerSession s) {
    deliver(List.of(d), Map.of(s.workerId, s));
  }

  private void awaitSignal() throws InterruptedException {
    synchronized (signal) {
      if (!signalled) {
        signal.wait(IDLE_WAIT_MILLIS);
      }
      signalled = false;
    }
  }

  private void deliver(List<Dispatch> taken, Map<String, WorkerSession> byId) {
    Map<String, List<Dispatch>> byWorker = new LinkedHashMap<>();
    for (Dispatch d : taken) {
      byWorker.computeIfAbsent(d.workerId(), w -> new ArrayList<>()).add(d);
    }
    Map<String, FunctionDefinition> defs = new HashMap<>();
    for (Map.Entry<String, List<Dispatch>> e : byWorker.entrySet()) {
      WorkerSession session = byId.get(e.getKey());
      List<Dispatch> ok = new ArrayList<>(e.getValue().size());
      List<String> kinds = new ArrayList<>(e.getValue().size());
      Map<String, FunctionSpec> specs = new LinkedHashMap<>();
      List<Outcome> unknown = new ArrayList<>();
      Map<String, Integer> unreadable = new HashMap<>();
      for (Dispatch d : e.getValue()) {
        FunctionDefinition f = defs.get(d.functionId());
        if (f == null) {
          Optional<FunctionDefinition> loaded;
          try {
            loaded = loadFunction(d.functionId());
          } catch (RuntimeException ex) {
            unreadable.put(d.taskId(), d.attempt());
            continue;
          }
          if (loaded.isPresent()) {
            f = loaded.get();
            defs.put(f.id(), f);
          }
        }
        if (f == null) {
          unknown.add(
              new Outcome(
                  d.taskId(),
                  d.attempt(),
                  d.workerId(),
                  false,
                  null,
                  ErrorInfo.of(
                      "invalid_function",
                      "function " + d.functionId() + " no longer exists; cannot run the task"),
                  null,
                  Instant.now()));
          continue;
        }
        ok.add(d);
        kinds.add(f.kind());
        if (!specs.containsKey(f.id())) {
          specs.put(
              f.id(),
              new FunctionSpec(
                  f.id(), f.kind(), f.spec(), f.timeoutSeconds(), f.outputs(), f.resultTo()));
        }
      }
      if (!unreadable.isEmpty()) {
        // The attempt cannot be started; give it back as if its worker were lost.
        recorder.lost(e.getKey(), unreadable, false);
      }
      if (!unknown.isEmpty()) {
        List<String> k = new ArrayList<>(unknown.size());
        unknown.forEach(o -> k.add(null));
        recorder.results(null, unknown, k);
      }
      if (ok.isEmpty()) {
        continue;
      }
      if (session != null && session.assign(ok, kinds)) {
        List<TaskAssignment> assignments = new ArrayList<>(ok.size());
        for (Dispatch d : ok) {
          assignments.add(new TaskAssignment(d.taskId(), d.attempt(), d.functionId(), d.args()));
        }
        session.sendFrame(frames.encode(new ArrayList<>(specs.values()), assignments));
      } else {
        Map<String, Integer> lost = new HashMap<>(ok.size() * 2);
        for (Dispatch d : ok) {
          lost.put(d.taskId(), d.attempt());
        }
        recorder.lost(e.getKey(), lost, false);
      }
    }
  }

  /** Reads a definition, retrying twice; throws when the scheduler stays unreachable. */
  private Optional<FunctionDefinition> loadFunction(String id) {
    for (int attempt = 0; ; attempt++) {
      try {
        return functions.load(id);
      } catch (RuntimeException ex) {
        if (attempt >= 2) {
          LOG.warn("could not read function {}: {}", id, ex.toString());
          throw ex;
        }
        sleepQuietly(100L << attempt);
      }
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
