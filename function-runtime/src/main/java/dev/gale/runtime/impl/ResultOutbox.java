package dev.gale.runtime.impl;

import dev.gale.api.protocol.TaskResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Results on their way to the gateway: those not yet sent on the current connection ({@code
 * pending}) and all not yet acknowledged ({@code unacked}, by task id, newest attempt wins). It
 * decides when to flush: at once when the engine says a result is urgent (it is idle, or a slot may
 * soon run out of queued work) or when {@code flushCount} results wait, otherwise after the
 * connection's batching delay. Under load, results (and so the gateway's acks and its refills of
 * the freed credit) then travel in batches rather than one message each way per task.
 *
 * <p>Thread-safe: slot threads publish, the event loop takes, acknowledges and re-sends.
 */
final class ResultOutbox implements ResultSink {
  /** The most results that wait for the batching delay. */
  static final int FLUSH_COUNT = 128;

  /**
   * How many waiting results trigger a flush for an agent that holds {@code capacity} tasks (slots
   * + prefetch): a quarter of them, so that the gateway always sees most of the credit and refills
   * it before the queue runs dry.
   */
  static int flushCountFor(int capacity) {
    return Math.max(1, Math.min(FLUSH_COUNT, capacity / 4));
  }

  /** The event-loop side: schedules {@code flush} calls. */
  interface Flusher {
    /** Flush as soon as possible. */
    void flushNow();

    /** Flush after the batching delay. */
    void flushSoon();
  }

  private final int flushCount;
  private final LinkedHashMap<String, TaskResult> unacked = new LinkedHashMap<>();
  private ArrayList<TaskResult> pending = new ArrayList<>();
  private boolean nowRequested;
  private boolean soonRequested;
  private Flusher flusher;

  /** An outbox that flushes at {@link #FLUSH_COUNT} waiting results. */
  ResultOutbox() {
    this(FLUSH_COUNT);
  }

  /**
   * @param flushCount waiting results that trigger a flush (see {@link #flushCountFor})
   */
  ResultOutbox(int flushCount) {
    this.flushCount = Math.max(1, flushCount);
  }

  void flusher(Flusher flusher) {
    this.flusher = flusher;
  }

  @Override
  public void publish(TaskResult result, boolean urgent) {
    boolean now = false;
    boolean soon = false;
    synchronized (this) {
      TaskResult previous = unacked.get(result.taskId());
      if (previous != null && previous.attempt() > result.attempt()) {
        return;
      }
      unacked.put(result.taskId(), result);
      pending.add(result);
      if ((urgent || pending.size() >= flushCount) && !nowRequested) {
        nowRequested = true;
        now = true;
      } else if (!nowRequested && !soonRequested) {
        soonRequested = true;
        soon = true;
      }
    }
    if (now) {
      flusher.flushNow();
    } else if (soon) {
      flusher.flushSoon();
    }
  }

  /** The results to send now; clears them from {@code pending} (they stay unacknowledged). */
  synchronized List<TaskResult> takePending() {
    nowRequested = false;
    soonRequested = false;
    if (pending.isEmpty()) {
      return List.of();
    }
    List<TaskResult> out = pending;
    pending = new ArrayList<>();
    return out;
  }

  /** After a reconnect: every unacknowledged result is pending again. */
  synchronized void resendAll() {
    pending = new ArrayList<>(unacked.values());
  }

  /** The gateway recorded these tasks' results. */
  synchronized void ack(List<String> taskIds) {
    for (String id : taskIds) {
      unacked.remove(id);
    }
  }

  /** True when every result was acknowledged. */
  synchronized boolean allAcked() {
    return unacked.isEmpty();
  }

  /** Task id → attempt of every result not yet acknowledged. */
  synchronized java.util.Map<String, Integer> unackedAttempts() {
    java.util.Map<String, Integer> out = new java.util.HashMap<>(unacked.size() * 2);
    unacked.values().forEach(r -> out.put(r.taskId(), r.attempt()));
    return out;
  }

  synchronized int unackedCount() {
    return unacked.size();
  }
}
