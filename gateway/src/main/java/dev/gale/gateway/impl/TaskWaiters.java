package dev.gale.gateway.impl;

import dev.gale.api.Task;
import dev.gale.api.TaskState;
import dev.gale.scheduler.Outcome;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who waits for which task to end, and a short log of recent terminal notifications.
 *
 * <p>A long-poll registers a {@link Waiter} under a task id; terminal notifications (from this
 * gateway's result recorder and from the scheduler's cluster-wide topic) are first {@linkplain
 * #noteTerminal noted}, then the caller fetches the finished tasks that have waiters and
 * {@linkplain #deliver delivers} them. No thread is parked per waiter.
 *
 * <p>The race between "read the task, see it running" and "register a waiter" is closed by the log:
 * take a {@link #mark()} before the read; after registering, {@link #maybeTerminalSince} says
 * whether a notification for the id may have arrived in between (then read the task once more).
 *
 * <p>Thread-safe; nothing here blocks.
 */
final class TaskWaiters {
  /** Receives a task that reached a terminal state. Called at most once per registration. */
  interface Waiter {
    /** The task as the waiter last saw it (its id, tenant, function, createdAt…). */
    Task base();

    /** Must not block; called on a recorder, notifier or Vert.x thread. */
    void terminal(Task task);
  }

  /**
   * What {@link #deliverOutcomes} did.
   *
   * @param delivered finished tasks built from outcomes and handed to waiters
   * @param toFetch ids whose waiters still need the task read from the scheduler
   */
  record Delivery(List<Task> delivered, List<String> toFetch) {}

  /**
   * Bounds of the log. It only has to cover the moment between a read and a registration; when a
   * mark falls out of it, {@link #maybeTerminalSince} answers "maybe" and costs one extra read, so
   * it is kept small: every finished task of the cluster passes through it.
   */
  private static final int MAX_LOG_IDS = 100_000;

  private static final long MAX_LOG_AGE_NANOS = 5_000_000_000L;

  private final ConcurrentHashMap<String, List<Waiter>> byTask = new ConcurrentHashMap<>();
  private final ArrayDeque<Noted> log = new ArrayDeque<>();
  private long seq;
  private int loggedIds;

  private record Noted(long seq, long atNanos, Collection<String> ids) {}

  /** The position of the newest notification; pass it to {@link #maybeTerminalSince}. */
  synchronized long mark() {
    return seq;
  }

  /** Adds a waiter for a task. */
  void register(String taskId, Waiter waiter) {
    byTask.compute(
        taskId,
        (k, list) -> {
          List<Waiter> l = list == null ? new ArrayList<>(1) : list;
          l.add(waiter);
          return l;
        });
  }

  /** Removes a waiter (after its deadline). */
  void unregister(String taskId, Waiter waiter) {
    byTask.computeIfPresent(
        taskId,
        (k, list) -> {
          list.remove(waiter);
          return list.isEmpty() ? null : list;
        });
  }

  /** Number of tasks with waiters (for tests and metrics). */
  int waitedTasks() {
    return byTask.size();
  }

  /**
   * Logs ids that reached a terminal state and returns those that have waiters (to fetch and {@link
   * #deliver}).
   */
  List<String> noteTerminal(Collection<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    long now = System.nanoTime();
    synchronized (this) {
      seq++;
      log.addLast(new Noted(seq, now, ids));
      loggedIds += ids.size();
      while (log.size() > 1
          && (loggedIds > MAX_LOG_IDS || now - log.peekFirst().atNanos() > MAX_LOG_AGE_NANOS)) {
        loggedIds -= log.removeFirst().ids().size();
      }
    }
    if (byTask.isEmpty()) {
      return List.of();
    }
    List<String> wanted = new ArrayList<>();
    for (String id : ids) {
      if (byTask.containsKey(id)) {
        wanted.add(id);
      }
    }
    return wanted;
  }

  /**
   * True when a terminal notification for the id may have been noted after {@code mark}: it was
   * seen, or the log no longer reaches back that far. False means it certainly was not.
   */
  synchronized boolean maybeTerminalSince(String taskId, long mark) {
    if (seq == mark) {
      return false;
    }
    Noted oldest = log.peekFirst();
    if (oldest == null || oldest.seq() > mark + 1) {
      return true;
    }
    for (Iterator<Noted> it = log.descendingIterator(); it.hasNext(); ) {
      Noted n = it.next();
      if (n.seq() <= mark) {
        break;
      }
      if (n.ids().contains(taskId)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Hands tasks that this gateway's own {@code complete} call just finished to their waiters,
   * building each finished task from the waiter's {@link Waiter#base()} and the outcome instead of
   * reading it back. That is exact for a first attempt that reports its start (nothing else in the
   * record changed since it was queued); other ids are returned to be read and {@link #deliver}ed.
   *
   * @param ids terminal ids with waiters (from {@link #noteTerminal})
   * @param outcomes the outcomes that ended them, by task id
   */
  Delivery deliverOutcomes(List<String> ids, Map<String, Outcome> outcomes) {
    List<Task> delivered = new ArrayList<>(ids.size());
    List<String> toFetch = new ArrayList<>();
    for (String id : ids) {
      Outcome o = outcomes.get(id);
      if (o == null || o.attempt() != 1 || o.startedAt() == null || o.finishedAt() == null) {
        toFetch.add(id);
        continue;
      }
      List<Waiter> list = byTask.remove(id);
      if (list == null) {
        continue;
      }
      Task first = null;
      for (Waiter w : list) {
        Task t = finished(w.base(), o);
        if (first == null) {
          first = t;
        }
        w.terminal(t);
      }
      delivered.add(first);
    }
    return new Delivery(delivered, toFetch);
  }

  /**
   * The task after a first attempt ended it, as the scheduler records it: state from the outcome,
   * times at millisecond precision, result or error.
   */
  static Task finished(Task base, Outcome o) {
    Instant finishedAt = Instant.ofEpochMilli(o.finishedAt().toEpochMilli());
    Instant startedAt = Instant.ofEpochMilli(o.startedAt().toEpochMilli());
    return new Task(
        base.id(),
        base.tenant(),
        base.function(),
        base.functionName(),
        base.kind(),
        base.pool(),
        base.priority(),
        o.ok() ? TaskState.SUCCEEDED : TaskState.FAILED,
        o.attempt(),
        o.ok() ? o.result() : null,
        o.ok() ? null : o.error(),
        null,
        base.createdAt(),
        startedAt,
        finishedAt,
        o.workerId(),
        base.dependsOn(),
        null);
  }

  /**
   * Hands terminal tasks to their waiters and forgets those waiters. Non-terminal ones are kept.
   */
  void deliver(Collection<Task> tasks) {
    for (Task t : tasks) {
      if (t == null || !t.state().isTerminal()) {
        continue;
      }
      List<Waiter> list = byTask.remove(t.id());
      if (list != null) {
        for (Waiter w : list) {
          w.terminal(t);
        }
      }
    }
  }
}
