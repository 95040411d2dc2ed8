package dev.gale.runtime;

import dev.gale.api.protocol.Ack;
import dev.gale.api.protocol.Artifact;
import dev.gale.api.protocol.ArtifactRequest;
import dev.gale.api.protocol.Hello;
import dev.gale.api.protocol.ResultBatch;
import dev.gale.api.protocol.TaskResult;
import dev.gale.api.protocol.Welcome;
import dev.gale.api.protocol.WorkerMessage;
import dev.gale.api.protocol.WorkerProtocol;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * The gateway side of the worker protocol, small enough for tests: accepts worker WebSockets,
 * answers hello with welcome, records every message, acknowledges results (unless told not to),
 * serves artifacts from a map, and lets the test send any message.
 */
final class FakeGateway implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final List<WorkerMessage> received = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  final Map<String, byte[]> artifacts = new ConcurrentHashMap<>();
  final AtomicInteger connections = new AtomicInteger();
  volatile boolean autoAck = true;
  volatile int heartbeatSeconds = 5;
  volatile long maxResultBytes = 1 << 20;
  volatile int maxOutputBytes = 64 << 10;
  private volatile ServerWebSocket socket;
  private final HttpServer server;

  FakeGateway() {
    this(0);
  }

  FakeGateway(int port) {
    server =
        vertx
            .createHttpServer(
                new HttpServerOptions()
                    .setMaxWebSocketMessageSize(64 << 20)
                    .setMaxWebSocketFrameSize(64 << 10))
            .webSocketHandler(this::onSocket);
    try {
      server.listen(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.actualPort());
  }

  private void onSocket(ServerWebSocket ws) {
    if (!ws.path().equals(WorkerProtocol.PATH)) {
      ws.close((short) 1008, "wrong path " + ws.path());
      return;
    }
    authorizations.add(String.valueOf(ws.headers().get("Authorization")));
    connections.incrementAndGet();
    socket = ws;
    ws.textMessageHandler(
        text -> {
          WorkerMessage m = WorkerProtocol.decode(text);
          received.add(m);
          if (m instanceof Hello hello) {
            send(new Welcome(hello.workerId(), heartbeatSeconds, maxResultBytes, maxOutputBytes));
          } else if (m instanceof ResultBatch batch && autoAck) {
            send(new Ack(batch.results().stream().map(TaskResult::taskId).toList()));
          } else if (m instanceof ArtifactRequest request) {
            byte[] data = artifacts.get(request.digest());
            send(new Artifact(request.digest(), data, data == null ? "no such artifact" : null));
          }
        });
    ws.closeHandler(
        v -> {
          if (socket == ws) {
            socket = null;
          }
        });
  }

  /** Sends to the connected worker (waits until one is connected). */
  void send(WorkerMessage message) {
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> socket != null);
    socket.writeTextMessage(WorkerProtocol.encode(message));
  }

  /** Closes the current worker connection from the gateway side. */
  void dropConnection() {
    ServerWebSocket ws = socket;
    if (ws != null) {
      ws.close();
    }
  }

  boolean hasSocket() {
    return socket != null;
  }

  <T extends WorkerMessage> List<T> messages(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (WorkerMessage m : received) {
      if (type.isInstance(m)) {
        out.add(type.cast(m));
      }
    }
    return out;
  }

  /** Every result received so far, in order (duplicates included). */
  List<TaskResult> results() {
    List<TaskResult> out = new ArrayList<>();
    for (ResultBatch b : messages(ResultBatch.class)) {
      out.addAll(b.results());
    }
    return out;
  }

  /** The latest result for a task, waiting for it. */
  TaskResult awaitResult(String taskId, Duration timeout) {
    Predicate<TaskResult> match = r -> r.taskId().equals(taskId);
    Awaitility.await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> results().stream().anyMatch(match));
    List<TaskResult> all = results().stream().filter(match).toList();
    return all.get(all.size() - 1);
  }

  @Override
  public void close() {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
