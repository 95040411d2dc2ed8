package dev.gale.gateway.impl;

import dev.gale.api.Task;
import dev.gale.api.protocol.Ack;
import dev.gale.scheduler.Outcome;
import dev.gale.scheduler.Scheduler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records results and lost workers on one dedicated thread, coalescing whatever has arrived from
 * all workers since its last round into one {@link Scheduler#complete} call, then acknowledges each
 * worker's results, and hands finished tasks to their long-poll waiters without waiting for the
 * cluster-wide notification.
 *
 * <pre>
 *  socket event loops ── results / lost ──▶ queue ──▶ [recorder thread]
 *                                                    complete(all outcomes)   one call
 *                                                    deliver to waiters (from the outcomes;
 *                                                      getTasks(others ∪ sample) one call)
 *                                                    ack per worker, metrics
 *                                                    workerLost / removeWorker
 * </pre>
 *
 * Items are handled in arrival order per round: the results of a worker that then disconnects are
 * recorded before its {@code workerLost}, so results that did arrive are not thrown away.
 */
final class ResultRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(ResultRecorder.class);
  private static final int MAX_ROUND = 20_000;
  private static final int LATENCY_SAMPLE = 16;
  private static final long SAMPLE_INTERVAL_NANOS = 100_000_000L;
  private static final long[] RETRY_MILLIS = {50, 200, 1000};

  private sealed interface Item permits Results, Lost, Reconcile, Stop {}

  private record Results(WorkerSession session, List<Outcome> outcomes, List<String> kinds)
      implements Item {}

  private record Lost(String workerId, Map<String, Integer> running, boolean forget)
      implements Item {}

  private record Reconcile(String workerId, Map<String, Integer> held) implements Item {}

  private record Stop() implements Item {}

  private final Scheduler scheduler;
  private final java.util.function.Predicate<String> connectedHere;
  private final TaskWaiters waiters;
  private final GatewayMetrics metrics;
  private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean stopping;
  private long lastSampleNanos;

  /**
   * @param connectedHere whether a worker id has a live connection on this gateway now; a lost
   *     worker's registration is kept when it has already reconnected
   */
  ResultRecorder(
      Scheduler scheduler,
      TaskWaiters waiters,
      GatewayMetrics metrics,
      java.util.function.Predicate<String> connectedHere,
      String name) {
    this.connectedHere = connectedHere;
    this.scheduler = scheduler;
    this.waiters = waiters;
    this.metrics = metrics;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /**
   * Queues results of one frame.
   *
   * @param session the worker to acknowledge them to, or null for outcomes the gateway decided
   * @param kinds the function kind of each outcome (for metrics), same order; null entries allowed
   */
  void results(WorkerSession session, List<Outcome> outcomes, List<String> kinds) {
    if (!outcomes.isEmpty()) {
      queue.add(new Results(session, outcomes, kinds));
    }
  }

  /**
   * Queues a lost worker's attempts for {@link Scheduler#workerLost}.
   *
   * @param forget also remove its registration ({@link Scheduler#removeWorker})
   */
  void lost(String workerId, Map<String, Integer> running, boolean forget) {
    queue.add(new Lost(workerId, running, forget));
  }

  /**
   * Queues a check of what the scheduler has running on a worker against what this gateway holds
   * for it (a snapshot taken now): attempts the scheduler marked running for it that the gateway
   * never delivered (a dispatch whose answer was lost) are given back. Results queued before this
   * call are recorded first, so they are not mistaken for lost attempts.
   */
  void reconcile(String workerId, Map<String, Integer> held) {
    queue.add(new Reconcile(workerId, held));
  }

  /** Processes what is queued, then stops the thread; waits up to the timeout. */
  void close(long timeoutMillis) {
    stopping = true;
    queue.add(new Stop());
    try {
      thread.join(timeoutMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
    }
  }

  private void run() {
    List<Item> round = new ArrayList<>();
    while (true) {
      try {
        Item first = queue.poll(500, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (stopping) {
            return;
          }
          continue;
        }
        round.add(first);
        queue.drainTo(round, MAX_ROUND);
        boolean stop = process(round);
        round.clear();
        if (stop) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.error("result recorder round failed", e);
        round.clear();
      }
    }
  }

  private boolean process(List<Item> round) throws InterruptedException {
    List<Outcome> outcomes = new ArrayList<>();
    Map<String, String> kindByTask = new HashMap<>();
    Map<WorkerSession, List<String>> acks = new IdentityHashMap<>();
    List<Lost> lost = new ArrayList<>();
    List<Reconcile> reconciles = new ArrayList<>();
    boolean stop = false;
    for (Item item : round) {
      if (item instanceof Results r) {
        for (int i = 0; i < r.outcomes().size(); i++) {
          Outcome o = r.outcomes().get(i);
          outcomes.add(o);
          String kind = r.kinds().get(i);
          if (kind != null) {
            kindByTask.put(o.taskId(), kind);
          }
          if (r.session() != null) {
            acks.computeIfAbsent(r.session(), s -> new ArrayList<>()).add(o.taskId());
          }
        }
      } else if (item instanceof Lost l) {
        lost.add(l);
      } else if (item instanceof Reconcile c) {
        reconciles.add(c);
      } else {
        stop = true;
      }
    }
    if (!outcomes.isEmpty()) {
      record(outcomes, kindByTask, acks);
    }
    for (Lost l : lost) {
      try {
        if (!l.running().isEmpty()) {
          scheduler.workerLost(l.workerId(), l.running());
        }
        if (l.forget() && !connectedHere.test(l.workerId())) {
          scheduler.removeWorker(l.workerId());
        }
      } catch (RuntimeException e) {
        LOG.error(
            "could not report worker {} lost with {} task(s)", l.workerId(), l.running().size(), e);
      }
    }
    for (Reconcile c : reconciles) {
      try {
        int n = scheduler.reconcileWorker(c.workerId(), c.held());
        if (n > 0) {
          LOG.info(
              "gave back {} attempt(s) marked running on worker {} but never delivered to it",
              n,
              c.workerId());
        }
      } catch (RuntimeException e) {
        LOG.warn("could not reconcile worker {}: {}", c.workerId(), e.toString());
      }
    }
    return stop;
  }

  private void record(
      List<Outcome> outcomes, Map<String, String> kindByTask, Map<WorkerSession, List<String>> acks)
      throws InterruptedException {
    List<String> terminal = completeWithRetries(outcomes);
    if (terminal == null) {
      // Not recorded: close the sockets so the workers reconnect and send the results again.
      for (WorkerSession s : acks.keySet()) {
        s.socket().close((short) 1011, "results could not be recorded; reconnect and resend");
      }
      return;
    }
    Map<String, Outcome> byTask = new LinkedHashMap<>(outcomes.size() * 2);
    for (Outcome o : outcomes) {
      byTask.put(o.taskId(), o);
    }
    // Waiters first: a sync invoke's answer should not wait for acks and metrics.
    deliver(terminal, byTask);
    for (Map.Entry<WorkerSession, List<String>> e : acks.entrySet()) {
      e.getKey().send(new Ack(e.getValue()));
    }
    for (Outcome o : outcomes) {
      if (o.startedAt() != null && o.finishedAt() != null) {
        metrics.runTime(
            kindByTask.getOrDefault(o.taskId(), "unknown"),
            o.finishedAt().toEpochMilli() - o.startedAt().toEpochMilli());
      }
    }
    for (String id : terminal) {
      Outcome o = byTask.get(id);
      metrics.finished(
          kindByTask.getOrDefault(id, "unknown"), o != null && o.ok() ? "succeeded" : "failed");
    }
  }

  /**
   * Hands finished tasks to local waiters: built from the outcomes where that is exact, read back
   * otherwise (one {@code getTasks} for all of them). Also samples created → finished latency.
   */
  private void deliver(List<String> terminal, Map<String, Outcome> outcomes) {
    TaskWaiters.Delivery d = waiters.deliverOutcomes(waiters.noteTerminal(terminal), outcomes);
    for (Task t : d.delivered()) {
      observeLatency(t);
    }
    List<String> fetch = new ArrayList<>(d.toFetch());
    long now = System.nanoTime();
    if (now - lastSampleNanos > SAMPLE_INTERVAL_NANOS && d.delivered().isEmpty()) {
      lastSampleNanos = now;
      for (int i = 0; i < terminal.size() && i < LATENCY_SAMPLE; i++) {
        fetch.add(terminal.get(i));
      }
    }
    if (fetch.isEmpty()) {
      return;
    }
    try {
      List<Task> tasks = new ArrayList<>(fetch.size());
      for (Optional<Task> t : scheduler.getTasks(fetch)) {
        t.ifPresent(tasks::add);
      }
      tasks.forEach(this::observeLatency);
      waiters.deliver(tasks);
    } catch (RuntimeException e) {
      // The cluster-wide notification will reach the waiters through the terminal fetcher.
      LOG.warn("could not read {} finished task(s) for waiters: {}", fetch.size(), e.toString());
    }
  }

  private void observeLatency(Task t) {
    if (t.finishedAt() != null && t.createdAt() != null) {
      metrics.latency(t.finishedAt().toEpochMilli() - t.createdAt().toEpochMilli());
    }
  }

  private List<String> completeWithRetries(List<Outcome> outcomes) throws InterruptedException {
    for (int attempt = 0; ; attempt++) {
      try {
        return scheduler.complete(outcomes);
      } catch (RuntimeException e) {
        if (attempt >= RETRY_MILLIS.length) {
          LOG.error("could not record {} result(s); workers will resend", outcomes.size(), e);
          return null;
        }
        LOG.warn("recording {} result(s) failed, retrying: {}", outcomes.size(), e.toString());
        Thread.sleep(RETRY_MILLIS[attempt]);
      }
    }
  }
}
