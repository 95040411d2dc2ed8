package dev.gale.gateway.impl;

import dev.gale.api.WorkerInfo;
import dev.gale.api.protocol.WorkerMessage;
import dev.gale.api.protocol.WorkerProtocol;
import dev.gale.scheduler.Dispatch;
import io.vertx.core.http.ServerWebSocket;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connected worker after its {@code hello}: its slots, the attempts it has not finished, and
 * its socket.
 *
 * <p>Its credit is {@code slots + prefetch − unfinished} (zero while draining or closed). Only the
 * pool's dispatcher adds unfinished attempts ({@link #assign}); results remove them ({@link
 * #finish}) on the socket's event loop; {@link #close} hands the rest over for {@code workerLost}.
 * {@link #assign} and {@link #close} are mutually exclusive, so an attempt is either sent to an
 * open session or reported lost, never neither.
 */
final class WorkerSession {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerSession.class);

  /** An attempt the worker holds. */
  record Running(int attempt, String kind) {}

  final String workerId;
  final String pool;
  final String node;
  final int slots;
  final int prefetch;
  final Instant connectedAt;
  private final ServerWebSocket ws;
  private final Map<String, Running> unfinished = new ConcurrentHashMap<>();
  private volatile long lastSeenNanos = System.nanoTime();
  private volatile Instant lastHeartbeat;
  private volatile boolean draining;
  private boolean closed;

  WorkerSession(
      String workerId, String pool, String node, int slots, int prefetch, ServerWebSocket ws) {
    this.workerId = workerId;
    this.pool = pool;
    this.node = node;
    this.slots = slots;
    this.prefetch = prefetch;
    this.ws = ws;
    this.connectedAt = Instant.now();
    this.lastHeartbeat = connectedAt;
  }

  /** Tasks it accepts now; 0 while draining or closed. */
  int credit() {
    if (draining) {
      return 0;
    }
    return Math.max(0, slots + prefetch - unfinished.size());
  }

  /** Attempts sent and not reported yet. */
  /** Task id → attempt of what this worker was sent and has not finished, as of now. */
  Map<String, Integer> unfinishedAttempts() {
    Map<String, Integer> out = new HashMap<>(unfinished.size() * 2);
    unfinished.forEach((id, r) -> out.put(id, r.attempt()));
    return out;
  }

  int unfinishedCount() {
    return unfinished.size();
  }

  /**
   * Records dispatched attempts as held by this worker.
   *
   * @param kinds the kind of each dispatch, in the same order
   * @return false when the session is closed (the caller reports them lost)
   */
  synchronized boolean assign(List<Dispatch> dispatches, List<String> kinds) {
    if (closed) {
      return false;
    }
    for (int i = 0; i < dispatches.size(); i++) {
      Dispatch d = dispatches.get(i);
      unfinished.put(d.taskId(), new Running(d.attempt(), kinds.get(i)));
    }
    return true;
  }

  /** The attempt a result ends, removed from the unfinished set; null if unknown (e.g. resent). */
  Running finish(String taskId) {
    return unfinished.remove(taskId);
  }

  /**
   * Closes the session for dispatch and returns what it still held (task id → attempt); null when
   * it was closed before.
   */
  synchronized Map<String, Integer> close() {
    if (closed) {
      return null;
    }
    closed = true;
    Map<String, Integer> running = new HashMap<>(unfinished.size() * 2);
    unfinished.forEach((id, r) -> running.put(id, r.attempt()));
    unfinished.clear();
    return running;
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /** Stops new dispatch to it. */
  void drain() {
    draining = true;
  }

  boolean draining() {
    return draining;
  }

  /** Notes that the worker spoke. */
  void seen(boolean heartbeat) {
    lastSeenNanos = System.nanoTime();
    if (heartbeat) {
      lastHeartbeat = Instant.now();
    }
  }

  long lastSeenNanos() {
    return lastSeenNanos;
  }

  ServerWebSocket socket() {
    return ws;
  }

  /** Sends a message; safe from any thread. Failures mean the socket is gone and are ignored. */
  void send(WorkerMessage message) {
    if (!ws.isClosed()) {
      sendFrame(WorkerProtocol.encode(message));
    }
  }

  /** Sends an encoded message; safe from any thread. */
  void sendFrame(String frame) {
    if (ws.isClosed()) {
      return;
    }
    ws.writeTextMessage(frame)
        .onFailure(t -> LOG.debug("send to worker {} failed: {}", workerId, t.toString()));
  }

  /** The worker as {@code GET /v1/workers} shows it. */
  WorkerInfo info(String gatewayId) {
    return new WorkerInfo(
        workerId, pool, node, slots, unfinished.size(), gatewayId, connectedAt, lastHeartbeat);
  }
}
