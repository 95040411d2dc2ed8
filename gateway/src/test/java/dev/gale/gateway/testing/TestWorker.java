package dev.gale.gateway.testing;

import dev.gale.api.ErrorInfo;
import dev.gale.api.RawJson;
import dev.gale.api.protocol.Ack;
import dev.gale.api.protocol.Artifact;
import dev.gale.api.protocol.Cancel;
import dev.gale.api.protocol.Drain;
import dev.gale.api.protocol.FunctionSpec;
import dev.gale.api.protocol.Heartbeat;
import dev.gale.api.protocol.Hello;
import dev.gale.api.protocol.ProtocolError;
import dev.gale.api.protocol.ResultBatch;
import dev.gale.api.protocol.TaskAssignment;
import dev.gale.api.protocol.TaskBatch;
import dev.gale.api.protocol.TaskResult;
import dev.gale.api.protocol.Welcome;
import dev.gale.api.protocol.WorkerMessage;
import dev.gale.api.protocol.WorkerProtocol;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A worker speaking the protocol at message level, for tests. By default it answers every task at
 * once with its args as the result; args {@code {"fail": "code"}} fail with that code, and {@code
 * {"hold": true}} are kept unanswered (see {@link #held()}), as is everything while {@link
 * #holdAll} is set.
 */
public final class TestWorker implements AutoCloseable {
  public final String workerId;
  public final java.util.Queue<TaskAssignment> received =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  public final Map<String, FunctionSpec> functions = new ConcurrentHashMap<>();
  public final List<Cancel> cancels = new CopyOnWriteArrayList<>();
  public final List<Ack> acks = new CopyOnWriteArrayList<>();
  public final List<ProtocolError> errors = new CopyOnWriteArrayList<>();
  public final List<Artifact> artifacts = new CopyOnWriteArrayList<>();
  public final java.util.Queue<TaskBatch> batches =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  public volatile Welcome welcome;
  public volatile boolean drained;
  public volatile boolean closed;
  public volatile boolean holdAll;
  public volatile boolean heartbeats = true;

  /**
   * Whether a drain request is obeyed (held tasks answered, then the socket closed after 50 ms);
   * off for a worker that is stopped before it could act on one.
   */
  public volatile boolean obeysDrain = true;

  /** Whether received tasks and batches are kept for assertions (off for load probes). */
  public volatile boolean record = true;

  private final Map<String, TaskAssignment> held = new ConcurrentHashMap<>();
  private final Vertx vertx;
  private final WebSocketClient client;
  private WebSocket ws;
  private long heartbeatTimer = -1;

  private TestWorker(Vertx vertx, String workerId) {
    this.vertx = vertx;
    this.workerId = workerId;
    this.client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setMaxMessageSize(64 * 1024 * 1024)
                .setMaxFrameSize(64 * 1024 * 1024));
  }

  /** Connects and says hello; completes when the socket is open (not when welcomed). */
  public static Future<TestWorker> connect(
      Vertx vertx, int port, String token, String workerId, String pool, int slots, int prefetch) {
    TestWorker w = new TestWorker(vertx, workerId);
    WebSocketConnectOptions o =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI(WorkerProtocol.PATH);
    if (token != null) {
      o.putHeader("Authorization", "Bearer " + token);
    }
    return w.client
        .connect(o)
        .map(
            ws -> {
              w.ws = ws;
              ws.textMessageHandler(w::onText);
              ws.closeHandler(v -> w.closed = true);
              w.send(
                  new Hello(
                      workerId,
                      pool,
                      "test-node",
                      slots,
                      prefetch,
                      List.of("shell", "python", "java"),
                      "test",
                      null));
              return w;
            });
  }

  /** Connects, says hello and blocks until welcomed. */
  public static TestWorker start(
      Vertx vertx, int port, String token, String workerId, String pool, int slots, int prefetch) {
    try {
      TestWorker w =
          connect(vertx, port, token, workerId, pool, slots, prefetch)
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(() -> w.welcome != null);
      return w;
    } catch (Exception e) {
      throw new IllegalStateException("test worker could not connect", e);
    }
  }

  private void onText(String text) {
    WorkerMessage m = WorkerProtocol.decode(text);
    if (m instanceof Welcome w) {
      welcome = w;
      heartbeatTimer =
          vertx.setPeriodic(
              w.heartbeatSeconds() * 1000L / 2,
              id -> {
                if (heartbeats && !closed) {
                  send(new Heartbeat(new ArrayList<>(held.keySet())));
                }
              });
    } else if (m instanceof TaskBatch b) {
      if (record) {
        batches.add(b);
      }
      b.functions().forEach(f -> functions.put(f.id(), f));
      List<TaskResult> results = new ArrayList<>();
      for (TaskAssignment a : b.tasks()) {
        if (record) {
          received.add(a);
        }
        if (holdAll || a.args().toTree().path("hold").asBoolean(false)) {
          held.put(a.taskId(), a);
        } else {
          results.add(resultFor(a));
        }
      }
      if (!results.isEmpty()) {
        send(new ResultBatch(results));
      }
    } else if (m instanceof Cancel c) {
      cancels.add(c);
      List<TaskResult> results = new ArrayList<>();
      for (String id : c.taskIds()) {
        TaskAssignment a = held.remove(id);
        if (a != null) {
          results.add(
              new TaskResult(
                  id,
                  a.attempt(),
                  false,
                  null,
                  ErrorInfo.of("cancelled", "killed"),
                  Instant.now(),
                  Instant.now()));
        }
      }
      if (!results.isEmpty()) {
        send(new ResultBatch(results));
      }
    } else if (m instanceof Ack a) {
      acks.add(a);
    } else if (m instanceof Drain) {
      drained = true;
      if (!obeysDrain) {
        return;
      }
      releaseAll();
      vertx.setTimer(50, id -> close());
    } else if (m instanceof ProtocolError e) {
      errors.add(e);
    } else if (m instanceof Artifact a) {
      artifacts.add(a);
    }
  }

  private static TaskResult resultFor(TaskAssignment a) {
    Instant start = Instant.now();
    var args = a.args().toTree();
    if (args.hasNonNull("fail")) {
      return new TaskResult(
          a.taskId(),
          a.attempt(),
          false,
          null,
          ErrorInfo.of(args.get("fail").asText(), "failed on request"),
          start,
          Instant.now());
    }
    if (args.hasNonNull("big")) {
      String big = "x".repeat(args.get("big").asInt());
      return new TaskResult(
          a.taskId(), a.attempt(), true, RawJson.ofValue(big), null, start, Instant.now());
    }
    return new TaskResult(a.taskId(), a.attempt(), true, a.args(), null, start, Instant.now());
  }

  /** Tasks received and kept unanswered. */
  public List<TaskAssignment> held() {
    return new ArrayList<>(held.values());
  }

  /** Answers every held task as the default behaviour would. */
  public void releaseAll() {
    List<TaskResult> results = new ArrayList<>();
    for (TaskAssignment a : held()) {
      held.remove(a.taskId());
      results.add(resultFor(a));
    }
    if (!results.isEmpty()) {
      send(new ResultBatch(results));
    }
  }

  /** Sends any message (tests of protocol handling). */
  public void send(WorkerMessage m) {
    ws.writeTextMessage(WorkerProtocol.encode(m));
  }

  /** Sends a raw text frame. */
  public void sendText(String text) {
    ws.writeTextMessage(text);
  }

  /** Ids of every task received. */
  public List<String> receivedIds() {
    return received.stream().map(TaskAssignment::taskId).toList();
  }

  @Override
  public void close() {
    vertx.cancelTimer(heartbeatTimer);
    if (ws != null && !closed) {
      ws.close();
    }
    client.close();
  }
}
