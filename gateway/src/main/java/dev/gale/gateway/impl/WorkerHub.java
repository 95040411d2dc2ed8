package dev.gale.gateway.impl;

import dev.gale.api.ErrorInfo;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.TokenRecord;
import dev.gale.api.WorkerInfo;
import dev.gale.api.protocol.Artifact;
import dev.gale.api.protocol.ArtifactRequest;
import dev.gale.api.protocol.Cancel;
import dev.gale.api.protocol.Drain;
import dev.gale.api.protocol.Heartbeat;
import dev.gale.api.protocol.Hello;
import dev.gale.api.protocol.ProtocolError;
import dev.gale.api.protocol.ResultBatch;
import dev.gale.api.protocol.TaskResult;
import dev.gale.api.protocol.Welcome;
import dev.gale.api.protocol.WorkerMessage;
import dev.gale.api.protocol.WorkerProtocol;
import dev.gale.gateway.GatewayOptions;
import dev.gale.scheduler.NewTask;
import dev.gale.scheduler.Outcome;
import dev.gale.scheduler.Scheduler;
import dev.gale.scheduler.Submitted;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side of the gateway: accepts authenticated worker sockets, speaks the protocol of
 * {@link WorkerMessage}, keeps one {@link WorkerSession} per worker and one {@link PoolDispatcher}
 * per pool, forwards cancellations, and declares silent or disconnected workers lost.
 *
 * <pre>
 *  socket ── hello ──▶ putWorker ─▶ welcome ─▶ session joins its pool's dispatcher
 *         ── results ─▶ free credit, size check ─▶ ResultRecorder (complete, ack)
 *         ── heartbeat ─▶ putWorker (running count, last heartbeat)
 *         ── artifactRequest ─▶ getArtifact ─▶ artifact
 *  close or 3 × heartbeat silent ─▶ ResultRecorder: workerLost(running) + removeWorker
 * </pre>
 *
 * Socket handlers run on the socket's event loop and never block: scheduler calls go to {@code
 * executeBlocking} or to the recorder and dispatcher threads.
 */
final class WorkerHub {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerHub.class);
  private static final Pattern WORKER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}");
  private static final int MAX_SLOTS = 100_000;

  private final Vertx vertx;
  private final Scheduler scheduler;
  private final GatewayOptions options;
  private final FunctionCache functions;
  private final ResultRecorder recorder;
  private final TaskBatchFrames frames = new TaskBatchFrames();
  private final ConcurrentHashMap<String, WorkerSession> sessions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Set<WorkerSession>> byPool = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, PoolDispatcher> dispatchers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<ServerWebSocket, Long> awaitingHello = new ConcurrentHashMap<>();
  private volatile boolean closed;

  WorkerHub(
      Vertx vertx,
      Scheduler scheduler,
      GatewayOptions options,
      FunctionCache functions,
      ResultRecorder recorder) {
    this.vertx = vertx;
    this.scheduler = scheduler;
    this.options = options;
    this.functions = functions;
    this.recorder = recorder;
  }

  /** Takes over an upgraded socket whose worker token has been checked. Event loop. */
  void accept(ServerWebSocket ws, TokenRecord token) {
    if (closed) {
      ws.close((short) 1001, "gateway is shutting down");
      return;
    }
    awaitingHello.put(ws, System.nanoTime());
    WorkerSession[] session = new WorkerSession[1];
    ws.textMessageHandler(
        text -> {
          WorkerMessage m;
          try {
            m = WorkerProtocol.decode(text);
          } catch (InvalidRequestException e) {
            refuse(ws, "invalid_message", e.getMessage());
            return;
          }
          if (session[0] == null) {
            if (m instanceof Hello h) {
              awaitingHello.remove(ws);
              onHello(ws, token, h, s -> session[0] = s);
            } else {
              refuse(ws, "protocol", "the first message must be hello");
            }
            return;
          }
          onMessage(session[0], m);
        });
    ws.binaryMessageHandler(buf -> refuse(ws, "protocol", "binary frames are not supported"));
    ws.exceptionHandler(t -> LOG.debug("worker socket error: {}", t.toString()));
    ws.closeHandler(
        v -> {
          awaitingHello.remove(ws);
          if (session[0] != null) {
            end(session[0], "disconnected");
          }
        });
  }

  private void onHello(
      ServerWebSocket ws,
      TokenRecord token,
      Hello h,
      java.util.function.Consumer<WorkerSession> bind) {
    String pool = h.pool() == null || h.pool().isEmpty() ? "default" : h.pool();
    if (h.workerId() == null || !WORKER_ID.matcher(h.workerId()).matches()) {
      refuse(ws, "invalid_message", "hello.workerId must be 1-200 characters of [A-Za-z0-9._:@-]");
      return;
    }
    if (!FunctionRequests.POOL.matcher(pool).matches()) {
      refuse(ws, "invalid_message", FunctionRequests.poolMessage("hello.pool"));
      return;
    }
    if (token.pool() != null && !token.pool().equals(pool)) {
      refuse(ws, "forbidden", "this token may only serve pool '" + token.pool() + "'");
      return;
    }
    if (h.slots() < 1 || h.slots() > MAX_SLOTS || h.prefetch() < 0 || h.prefetch() > MAX_SLOTS) {
      refuse(ws, "invalid_message", "hello.slots must be 1..100000 and hello.prefetch 0..100000");
      return;
    }
    String node = h.node() == null ? "" : h.node();
    WorkerSession s = new WorkerSession(h.workerId(), pool, node, h.slots(), h.prefetch(), ws);
    bind.accept(s);
    vertx
        .executeBlocking(
            () -> {
              scheduler.putWorker(s.info(options.gatewayId()));
              if (h.held() != null) {
                // a reconnect: attempts dispatched to it that it never received are given back
                int lost = scheduler.reconcileWorker(s.workerId, h.held());
                if (lost > 0) {
                  LOG.info(
                      "worker {} reconnected without {} attempt(s) dispatched to it; given back",
                      s.workerId,
                      lost);
                }
              }
              if (!scheduler.drainRequested(List.of(s.workerId)).isEmpty()) {
                s.drain(); // its block is being stopped: it gets no task
              }
              return null;
            },
            false)
        .onSuccess(v -> join(s))
        .onFailure(
            t -> {
              LOG.warn("could not register worker {}: {}", s.workerId, t.toString());
              refuse(ws, "unavailable", "the scheduler is not reachable; retry later");
            });
  }

  /** The session is registered: welcome it and let its pool's dispatcher see it. */
  private void join(WorkerSession s) {
    if (s.socket().isClosed() || s.isClosed()) {
      end(s, "disconnected before welcome");
      if (!sessions.containsKey(s.workerId)) {
        recorder.lost(s.workerId, Map.of(), true);
      }
      return;
    }
    WorkerSession previous = sessions.put(s.workerId, s);
    if (previous != null && previous != s) {
      LOG.info("worker {} reconnected; its previous connection is lost", s.workerId);
      endReplaced(previous);
    }
    s.send(
        new Welcome(
            s.workerId,
            options.heartbeatSeconds(),
            options.maxResultBytes(),
            options.maxOutputBytes()));
    if (s.draining()) {
      s.send(new Drain());
    }
    byPool.computeIfAbsent(s.pool, p -> ConcurrentHashMap.newKeySet()).add(s);
    dispatcher(s.pool).signal();
    LOG.info(
        "worker {} joined pool {} from {} with {} slot(s) + {} prefetch",
        s.workerId,
        s.pool,
        s.node,
        s.slots,
        s.prefetch);
  }

  private void onMessage(WorkerSession s, WorkerMessage m) {
    s.seen(m instanceof Heartbeat);
    if (m instanceof ResultBatch rb) {
      onResults(s, rb);
    } else if (m instanceof Heartbeat) {
      refreshRegistration(s);
    } else if (m instanceof ArtifactRequest ar) {
      onArtifactRequest(s, ar);
    } else if (m instanceof ProtocolError pe) {
      LOG.warn("worker {} reported a protocol error {}: {}", s.workerId, pe.code(), pe.message());
    } else {
      refuse(
          s.socket(),
          "protocol",
          "unexpected message from a worker: " + m.getClass().getSimpleName());
    }
  }

  private void refreshRegistration(WorkerSession s) {
    vertx
        .executeBlocking(
            () -> {
              if (!s.isClosed()) {
                scheduler.putWorker(s.info(options.gatewayId()));
              }
              return null;
            },
            false)
        .onFailure(
            t -> LOG.debug("heartbeat of worker {} not stored: {}", s.workerId, t.toString()));
  }

  private void onResults(WorkerSession s, ResultBatch rb) {
    if (rb.results() == null || rb.results().isEmpty()) {
      return;
    }
    List<Outcome> outcomes = new ArrayList<>(rb.results().size());
    List<String> kinds = new ArrayList<>(rb.results().size());
    Instant now = Instant.now();
    for (TaskResult r : rb.results()) {
      if (r == null || r.taskId() == null) {
        continue;
      }
      WorkerSession.Running running = s.finish(r.taskId());
      kinds.add(running == null ? null : running.kind());
      outcomes.add(toOutcome(s.workerId, r, now));
    }
    recorder.results(s, outcomes, kinds);
    PoolDispatcher d = dispatchers.get(s.pool);
    if (d != null) {
      d.signal();
    }
  }

  /** Turns a worker's report into an outcome, enforcing the result size limit. */
  Outcome toOutcome(String workerId, TaskResult r, Instant now) {
    Instant finished = r.finishedAt() == null ? now : r.finishedAt();
    if (r.ok()) {
      if (r.result() != null && Fields.utf8Length(r.result().json()) > options.maxResultBytes()) {
        long size = Fields.utf8Length(r.result().json());
        ErrorInfo tooLarge =
            new ErrorInfo(
                "result_too_large",
                "the result is " + size + " bytes; the limit is " + options.maxResultBytes(),
                dev.gale.api.Json.object()
                    .put("size", size)
                    .put("limit", options.maxResultBytes()));
        return new Outcome(
            r.taskId(), r.attempt(), workerId, false, null, tooLarge, r.startedAt(), finished);
      }
      return new Outcome(
          r.taskId(),
          r.attempt(),
          workerId,
          true,
          r.result() == null ? dev.gale.api.RawJson.NULL : r.result(),
          null,
          r.startedAt(),
          finished);
    }
    ErrorInfo error =
        r.error() != null
            ? r.error()
            : ErrorInfo.of("worker_error", "the worker reported a failure without an error");
    return new Outcome(
        r.taskId(), r.attempt(), workerId, false, null, error, r.startedAt(), finished);
  }

  private void onArtifactRequest(WorkerSession s, ArtifactRequest ar) {
    String digest = ar.digest();
    if (digest == null || !FunctionRequests.DIGEST.matcher(digest).matches()) {
      s.send(new Artifact(digest, null, "not an artifact digest"));
      return;
    }
    vertx
        .executeBlocking(() -> scheduler.getArtifact(digest), false)
        .onSuccess(
            bytes ->
                s.send(
                    bytes.isPresent()
                        ? new Artifact(digest, bytes.get(), null)
                        : new Artifact(digest, null, "unknown artifact " + digest)))
        .onFailure(
            t -> s.send(new Artifact(digest, null, "artifact store unavailable; retry later")));
  }

  /** Ends a session: hands its unfinished attempts to the recorder as lost. Idempotent. */
  void end(WorkerSession s, String why) {
    Map<String, Integer> running = s.close();
    if (running == null) {
      return;
    }
    boolean current = sessions.remove(s.workerId, s);
    Set<WorkerSession> pool = byPool.get(s.pool);
    if (pool != null) {
      pool.remove(s);
    }
    giveBack(s, running, current);
    LOG.info("worker {} {}; {} unfinished task(s) given back", s.workerId, why, running.size());
    if (!s.socket().isClosed()) {
      s.socket().close((short) 1000, why);
    }
  }

  private void endReplaced(WorkerSession old) {
    Map<String, Integer> running = old.close();
    Set<WorkerSession> pool = byPool.get(old.pool);
    if (pool != null) {
      pool.remove(old);
    }
    if (running != null) {
      giveBack(old, running, false);
    }
    if (!old.socket().isClosed()) {
      old.socket().close((short) 1000, "replaced by a newer connection");
    }
  }

  /** Reports a closed session's attempts lost, after its dispatcher's take in progress. */
  private void giveBack(WorkerSession s, Map<String, Integer> running, boolean forget) {
    PoolDispatcher d = dispatchers.get(s.pool);
    if (d == null || !d.lostAfterTake(s.workerId, running, forget)) {
      recorder.lost(s.workerId, running, forget);
    }
  }

  /** Declares workers lost that have been silent for three heartbeat periods. Event loop. */
  void checkSilent() {
    long limit = 3L * options.heartbeatSeconds() * 1_000_000_000L;
    long now = System.nanoTime();
    for (WorkerSession s : sessions.values()) {
      if (now - s.lastSeenNanos() > limit) {
        end(s, "silent for " + 3 * options.heartbeatSeconds() + " s");
      }
    }
    awaitingHello.forEach(
        (ws, since) -> {
          if (now - since > limit) {
            awaitingHello.remove(ws);
            refuse(ws, "protocol", "no hello received");
          }
        });
  }

  /**
   * Drains the workers connected here whose block the elastic scaler asked to drain ({@link
   * Scheduler#drainBlock}): they get no new task, finish what they run, hand back what they had
   * prefetched, and leave. Event loop; the lookup runs on a worker thread.
   */
  void checkDrains() {
    List<String> ids = new ArrayList<>();
    for (WorkerSession s : sessions.values()) {
      if (!s.draining()) {
        ids.add(s.workerId);
      }
    }
    if (ids.isEmpty()) {
      return;
    }
    vertx
        .executeBlocking(() -> scheduler.drainRequested(ids), false)
        .onSuccess(asked -> asked.forEach(w -> drain(sessions.get(w))))
        .onFailure(t -> LOG.debug("drain requests not read: {}", t.toString()));
  }

  /**
   * Drains at once the workers connected here of a block the elastic scaler has just asked to drain
   * ({@link Scheduler#onDrainRequest}); {@link #checkDrains} is the fallback. Any thread.
   */
  void drainBlock(String blockId) {
    for (WorkerSession s : sessions.values()) {
      if (blockId.equals(WorkerInfo.blockOf(s.workerId))) {
        drain(s);
      }
    }
  }

  private static void drain(WorkerSession s) {
    if (s != null && !s.draining()) {
      LOG.info("draining worker {}: its block is being stopped", s.workerId);
      s.drain();
      s.send(new Drain());
    }
  }

  /** Forwards cancellations of running tasks to the workers of this gateway that hold them. */
  void forwardCancels(Map<String, String> workerByTask) {
    Map<String, List<String>> byWorker = new HashMap<>();
    workerByTask.forEach(
        (task, worker) -> {
          if (worker != null && sessions.containsKey(worker)) {
            byWorker.computeIfAbsent(worker, w -> new ArrayList<>()).add(task);
          }
        });
    byWorker.forEach(
        (worker, tasks) -> {
          WorkerSession s = sessions.get(worker);
          if (s != null) {
            s.send(new Cancel(tasks));
          }
        });
  }

  /** Tells every worker to drain and waits until all have left or the timeout passes. Blocks. */
  void drain(Duration timeout) {
    for (WorkerSession s : sessions.values()) {
      s.drain();
      s.send(new Drain());
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!sessions.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Whether a worker with this id is connected here now. */
  boolean isConnected(String workerId) {
    return sessions.containsKey(workerId);
  }

  /** Workers connected here. */
  List<WorkerSession> sessions() {
    return new ArrayList<>(sessions.values());
  }

  /** Closes every socket (each worker is lost) and stops the dispatchers. */
  void close() {
    closed = true;
    dispatchers.values().forEach(PoolDispatcher::close);
    for (WorkerSession s : sessions.values()) {
      end(s, "gateway closing");
    }
    awaitingHello.keySet().forEach(ws -> ws.close((short) 1001, "gateway closing"));
  }

  /**
   * Submits one task through {@link Scheduler#submitTo} to a worker connected here that has room
   * for it (the scheduler hands it over only while the pool's dispatcher waits on empty queues);
   * with no such worker, the ordinary way. Blocks (cluster calls).
   *
   * @return the task, with the dispatch it was sent as when it went straight to a worker
   */
  Submitted submitDirect(NewTask task) {
    PoolDispatcher d = closed ? null : dispatchers.get(task.pool());
    WorkerSession target = d == null ? null : d.directTarget();
    if (target == null) {
      return new Submitted(scheduler.submit(List.of(task)).get(0), null);
    }
    Submitted s;
    try {
      s = scheduler.submitTo(task, target.workerId);
    } catch (RuntimeException e) {
      // the write may have landed before its answer was lost: have the scheduler give back an
      // attempt marked running on the worker that it was never sent (as after a failed take)
      recorder.reconcile(target.workerId, target.unfinishedAttempts());
      throw e;
    }
    if (s.dispatch() != null) {
      d.deliverDirect(s.dispatch(), target);
    }
    return s;
  }

  private PoolDispatcher dispatcher(String pool) {
    return dispatchers.computeIfAbsent(
        pool,
        p -> {
          PoolDispatcher d =
              new PoolDispatcher(p, scheduler, functions, recorder, frames, () -> sessionsOf(p));
          d.start();
          return d;
        });
  }

  private List<WorkerSession> sessionsOf(String pool) {
    Set<WorkerSession> set = byPool.get(pool);
    return set == null ? List.of() : new ArrayList<>(set);
  }

  private static void refuse(ServerWebSocket ws, String code, String message) {
    if (ws.isClosed()) {
      return;
    }
    ws.writeTextMessage(WorkerProtocol.encode(new ProtocolError(code, message)))
        .onComplete(ar -> ws.close((short) 1008, truncate(message)));
  }

  private static String truncate(String s) {
    // A close reason must fit in a control frame (123 bytes).
    return s.length() <= 100 ? s : s.substring(0, 100);
  }
}
