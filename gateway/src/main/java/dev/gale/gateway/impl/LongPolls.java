package dev.gale.gateway.impl;

import dev.gale.api.Task;
import dev.gale.scheduler.Scheduler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Long-polls without parked threads: a waiter per task in {@link TaskWaiters}, a Vert.x timer for
 * the deadline, and the answer completed on the request's event loop.
 *
 * <p>Callers take a {@link TaskWaiters#mark()} before reading or submitting the tasks they pass in;
 * after registering, tasks that may have ended in between are read once more, so no notification is
 * missed.
 */
final class LongPolls {
  private final Vertx vertx;
  private final Scheduler scheduler;
  private final TaskWaiters waiters;

  LongPolls(Vertx vertx, Scheduler scheduler, TaskWaiters waiters) {
    this.vertx = vertx;
    this.scheduler = scheduler;
    this.waiters = waiters;
  }

  /**
   * The task once terminal, or as it is when the wait ends. Call on an event loop.
   *
   * @param current the task as read or submitted after {@code mark}
   */
  Future<Task> awaitOne(Task current, double waitSeconds, long mark) {
    return awaitOne(current, waitSeconds, mark, vertx.getOrCreateContext());
  }

  /**
   * As {@link #awaitOne(Task, double, long)}, from any thread: the answer is completed on {@code
   * context}. A sync invoke registers its waiter right after the submit, on the thread that did it,
   * so that a fast result finds the waiter instead of costing a read.
   */
  Future<Task> awaitOne(Task current, double waitSeconds, long mark, Context context) {
    if (current.state().isTerminal() || waitSeconds <= 0) {
      return Future.succeededFuture(current);
    }
    One one = new One(current, context);
    waiters.register(current.id(), one);
    one.timer = vertx.setTimer(millis(waitSeconds), t -> one.expire());
    if (waiters.maybeTerminalSince(current.id(), mark)) {
      reread(List.of(current.id()));
    }
    return one.promise.future();
  }

  /**
   * The tasks, in the given order, once all are terminal or when the wait ends. Call on an event
   * loop.
   */
  Future<List<Task>> awaitAll(List<Task> current, double waitSeconds, long mark) {
    Map<String, List<Integer>> pending = new HashMap<>();
    for (int i = 0; i < current.size(); i++) {
      Task t = current.get(i);
      if (!t.state().isTerminal()) {
        pending.computeIfAbsent(t.id(), k -> new ArrayList<>(1)).add(i);
      }
    }
    if (pending.isEmpty() || waitSeconds <= 0) {
      return Future.succeededFuture(current);
    }
    All all = new All(current.toArray(new Task[0]), pending, vertx.getOrCreateContext());
    List<String> ids = new ArrayList<>(pending.keySet());
    for (String id : ids) {
      waiters.register(id, all.waiterFor(id));
    }
    all.timer = vertx.setTimer(millis(waitSeconds), t -> all.expire());
    List<String> recheck = new ArrayList<>();
    for (String id : ids) {
      if (waiters.maybeTerminalSince(id, mark)) {
        recheck.add(id);
      }
    }
    if (!recheck.isEmpty()) {
      reread(recheck);
    }
    return all.promise.future();
  }

  private static long millis(double seconds) {
    return Math.max(1, (long) (seconds * 1000));
  }

  /** Reads tasks that may have ended meanwhile and delivers the terminal ones. */
  private void reread(List<String> ids) {
    vertx
        .executeBlocking(() -> scheduler.getTasks(ids), false)
        .onSuccess(
            list -> {
              List<Task> tasks = new ArrayList<>(list.size());
              list.forEach(o -> o.ifPresent(tasks::add));
              waiters.deliver(tasks);
            });
  }

  /** Waits for one task. */
  private final class One implements TaskWaiters.Waiter {
    final Task current;
    final Context context;
    final Promise<Task> promise = Promise.promise();
    final AtomicBoolean done = new AtomicBoolean();
    volatile long timer = -1;

    One(Task current, Context context) {
      this.current = current;
      this.context = context;
    }

    @Override
    public Task base() {
      return current;
    }

    @Override
    public void terminal(Task task) {
      if (done.compareAndSet(false, true)) {
        vertx.cancelTimer(timer);
        context.runOnContext(v -> promise.complete(task));
      }
    }

    void expire() {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      waiters.unregister(current.id(), this);
      vertx
          .executeBlocking(() -> scheduler.getTask(current.id()), false)
          .onComplete(
              ar -> promise.complete(ar.succeeded() ? ar.result().orElse(current) : current));
    }
  }

  /** Waits for several tasks. */
  private final class All {
    final Task[] slots;
    final Map<String, List<Integer>> pending;
    final Map<String, TaskWaiters.Waiter> byId = new HashMap<>();
    final Context context;
    final Promise<List<Task>> promise = Promise.promise();
    final AtomicBoolean done = new AtomicBoolean();
    volatile long timer = -1;

    All(Task[] slots, Map<String, List<Integer>> pending, Context context) {
      this.slots = slots;
      this.pending = pending;
      this.context = context;
    }

    TaskWaiters.Waiter waiterFor(String id) {
      Task base = slots[pending.get(id).get(0)];
      TaskWaiters.Waiter w =
          new TaskWaiters.Waiter() {
            @Override
            public Task base() {
              return base;
            }

            @Override
            public void terminal(Task task) {
              fill(task);
            }
          };
      byId.put(id, w);
      return w;
    }

    private void fill(Task task) {
      boolean complete;
      synchronized (this) {
        List<Integer> idx = pending.remove(task.id());
        if (idx == null) {
          return;
        }
        for (int i : idx) {
          slots[i] = task;
        }
        complete = pending.isEmpty();
      }
      if (complete && done.compareAndSet(false, true)) {
        vertx.cancelTimer(timer);
        List<Task> out = Arrays.asList(slots.clone());
        context.runOnContext(v -> promise.complete(out));
      }
    }

    void expire() {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      List<String> remaining;
      synchronized (this) {
        remaining = new ArrayList<>(pending.keySet());
      }
      for (String id : remaining) {
        waiters.unregister(id, byId.get(id));
      }
      vertx
          .executeBlocking(() -> scheduler.getTasks(remaining), false)
          .onComplete(
              ar -> {
                synchronized (this) {
                  if (ar.succeeded()) {
                    List<Optional<Task>> now = ar.result();
                    for (int i = 0; i < remaining.size(); i++) {
                      Optional<Task> t = now.get(i);
                      List<Integer> idx = pending.get(remaining.get(i));
                      if (t.isPresent() && idx != null) {
                        for (int j : idx) {
                          slots[j] = t.get();
                        }
                      }
                    }
                  }
                }
                promise.complete(Arrays.asList(slots.clone()));
              });
    }
  }
}
