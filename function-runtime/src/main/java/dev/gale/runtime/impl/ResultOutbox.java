package dev.gale.runtime.impl;

import dev.gale.api.protocol.TaskResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Results on their way to the gateway: those not yet sent on the current connection ({@code
 * pending}) and all not yet acknowledged ({@code unacked}, by task id, newest attempt wins). It
 * decides when to flush: at once when {@link #FLUSH_COUNT} results wait or when the engine is idle,
 * otherwise after a short delay, so that under load results leave in batches.
 *
 * <p>Thread-safe: slot threads publish, the event loop takes, acknowledges and re-sends.
 */
final class ResultOutbox implements ResultSink {
  /** Results that trigger an immediate flush. */
  static final int FLUSH_COUNT = 128;

  /** The event-loop side: schedules {@code flush} calls. */
  interface Flusher {
    /** Flush as soon as possible. */
    void flushNow();

    /** Flush after the batching delay. */
    void flushSoon();
  }

  private final LinkedHashMap<String, TaskResult> unacked = new LinkedHashMap<>();
  private ArrayList<TaskResult> pending = new ArrayList<>();
  private boolean nowRequested;
  private boolean soonRequested;
  private Flusher flusher;

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
      if ((urgent || pending.size() >= FLUSH_COUNT) && !nowRequested) {
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
