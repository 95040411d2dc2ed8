package dev.gale.runtime.impl;

import dev.gale.api.protocol.Ack;
import dev.gale.api.protocol.Artifact;
import dev.gale.api.protocol.ArtifactRequest;
import dev.gale.api.protocol.Cancel;
import dev.gale.api.protocol.Drain;
import dev.gale.api.protocol.Heartbeat;
import dev.gale.api.protocol.Hello;
import dev.gale.api.protocol.ProtocolError;
import dev.gale.api.protocol.ResultBatch;
import dev.gale.api.protocol.TaskBatch;
import dev.gale.api.protocol.TaskResult;
import dev.gale.api.protocol.Welcome;
import dev.gale.api.protocol.WorkerMessage;
import dev.gale.api.protocol.WorkerProtocol;
import dev.gale.runtime.NodeAgentOptions;
import dev.gale.runtime.spi.Limits;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side of the worker protocol over one WebSocket at a time: hello/welcome, tasks into
 * the engine, batched results out of the outbox, acks, heartbeats with pings, cancel, drain,
 * artifacts, and reconnection with jittered exponential backoff.
 *
 * <p>All its state is confined to one Vert.x event-loop context; public methods may be called from
 * any thread and hop onto it. Nothing here blocks the event loop.
 */
final class GatewayConnection implements ResultOutbox.Flusher {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayConnection.class);

  /** Largest incoming message (a JAR of tens of MiB as base64 fits). */
  static final int MAX_MESSAGE_BYTES = 256 << 20;

  /** Outgoing text messages are sent in fragments of at most this many chars (≤ 48 KiB UTF-8). */
  static final int FRAGMENT_CHARS = 16 << 10;

  /** Results per {@code results} frame. */
  static final int RESULTS_PER_FRAME = 256;

  /**
   * How long results may wait to be batched. Only results of an agent with work queued for every
   * slot wait (see {@link ResultOutbox}), so the wait costs no slot time, only some latency.
   */
  static final long FLUSH_DELAY_MILLIS = 5;

  static final Duration WELCOME_TIMEOUT = Duration.ofSeconds(30);

  /** What the connection tells the agent. Called on the event loop; must not block. */
  interface Listener {
    /** The gateway sent {@code drain}. */
    void onDrainRequested();

    /** Results were acknowledged or a connection was welcomed: a drain may be complete. */
    void onProgress();

    /**
     * The connection closed.
     *
     * @return true to reconnect, false when the agent is done with the gateway
     */
    boolean onDisconnected();

    /** The gateway announced its limits. */
    void onLimits(Limits limits);
  }

  private final Vertx vertx;
  private final Context context;
  private final WebSocketClient client;
  private final NodeAgentOptions options;
  private final List<String> kinds;
  private final String version;
  private final TaskEngine engine;
  private final ResultOutbox outbox;
  private final ArtifactFetcher artifacts;
  private final Listener listener;

  private volatile boolean connected;
  private volatile boolean closing;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

  /** Whether a gateway ever welcomed this agent: later hellos report what it holds. */
  private volatile boolean everWelcomed;

  // confined to the event loop
  private WebSocket ws;
  private boolean welcomed;
  private long heartbeatTimer = -1;
  private long handshakeTimer = -1;
  private long heartbeatMillis;
  private long lastReceivedNanos;
  private Duration backoff;
  private final List<java.net.URI> urls;
  private int urlIndex;

  GatewayConnection(
      Vertx vertx,
      Context context,
      NodeAgentOptions options,
      List<String> kinds,
      String version,
      TaskEngine engine,
      ResultOutbox outbox,
      ArtifactFetcher artifacts,
      Listener listener) {
    this.vertx = vertx;
    this.context = context;
    this.options = options;
    this.kinds = kinds;
    this.version = version;
    this.engine = engine;
    this.outbox = outbox;
    this.artifacts = artifacts;
    this.listener = listener;
    this.backoff = options.reconnectMin();
    this.urls = options.gatewayUrls();
    this.client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setMaxFrameSize(MAX_MESSAGE_BYTES)
                .setMaxMessageSize(MAX_MESSAGE_BYTES)
                .setConnectTimeout(10_000));
  }

  /** Starts connecting in the background. */
  void start() {
    post(v -> connect());
  }

  /** True while a connection is open and welcomed. */
  boolean isConnected() {
    return connected;
  }

  @Override
  public void flushNow() {
    post(v -> flush());
  }

  @Override
  public void flushSoon() {
    post(v -> vertx.setTimer(FLUSH_DELAY_MILLIS, id -> flush()));
  }

  /** Sends an {@code artifactRequest} now if connected (otherwise after the next welcome). */
  void requestArtifact(String digest) {
    post(
        v -> {
          if (ws != null && welcomed) {
            send(new ArtifactRequest(digest));
          }
        });
  }

  /** Runs an action on the connection's event loop. */
  void onEventLoop(Runnable action) {
    post(v -> action.run());
  }

  /**
   * Stops reconnecting and closes the socket; waits up to {@code timeout} for the close to be
   * initiated. Must not be called on the event loop.
   */
  void close(short code, String reason, Duration timeout) throws InterruptedException {
    closing = true;
    CountDownLatch done = new CountDownLatch(1);
    post(
        v -> {
          shutdownSocket(code, reason);
          done.countDown();
        });
    done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      client.close().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.debug("closing the WebSocket client: {}", e.toString());
    }
  }

  /** On the event loop: stop reconnecting and close the socket. */
  void shutdownSocket(short code, String reason) {
    closing = true;
    cancelTimers();
    WebSocket socket = ws;
    ws = null;
    welcomed = false;
    connected = false;
    if (socket != null && !socket.isClosed()) {
      socket.close(code, reason);
    }
  }

  /** Runs on the event loop; after the agent stopped Vert.x there is nothing left to do. */
  private void post(io.vertx.core.Handler<Void> action) {
    try {
      context.runOnContext(action);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("event loop already stopped");
    }
  }

  // ---- event loop ----

  private void connect() {
    if (closing) {
      return;
    }
    java.net.URI url = urls.get(urlIndex);
    java.net.URI wsUrl = NodeAgentOptions.webSocketUrl(url);
    String host = url.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    WebSocketConnectOptions connectOptions =
        new WebSocketConnectOptions()
            .setHost(host)
            .setPort(NodeAgentOptions.port(url))
            .setSsl(NodeAgentOptions.isSecure(url))
            .setURI(wsUrl.getRawPath())
            // a gateway that accepts the connection but never answers the upgrade must not hold
            // the agent: give up and try again (the next gateway, if there are several)
            .setConnectTimeout(CONNECT_TIMEOUT.toMillis())
            .setTimeout(CONNECT_TIMEOUT.toMillis())
            .addHeader("Authorization", "Bearer " + options.token());
    client
        .connect(connectOptions)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                onOpen(ar.result());
              } else {
                LOG.warn("cannot connect to {}: {}", wsUrl, describe(ar.cause()));
                nextUrl();
                scheduleReconnect();
              }
            });
  }

  private void onOpen(WebSocket socket) {
    if (closing) {
      socket.close((short) 1001, "worker stopping");
      return;
    }
    ws = socket;
    welcomed = false;
    lastReceivedNanos = System.nanoTime();
    socket.textMessageHandler(this::onText);
    socket.pongHandler(b -> lastReceivedNanos = System.nanoTime());
    socket.exceptionHandler(e -> LOG.debug("worker connection error: {}", e.toString()));
    socket.closeHandler(v -> onClosed(socket));
    send(
        new Hello(
            options.workerId(),
            options.pool(),
            options.node(),
            options.slots(),
            options.prefetch(),
            kinds,
            version,
            everWelcomed ? held() : null));
    handshakeTimer =
        vertx.setTimer(
            WELCOME_TIMEOUT.toMillis(),
            id -> {
              handshakeTimer = -1;
              if (ws == socket && !welcomed) {
                LOG.warn("no welcome from the gateway within {}; reconnecting", WELCOME_TIMEOUT);
                socket.close((short) 1002, "no welcome");
              }
            });
  }

  private void onClosed(WebSocket socket) {
    if (ws != socket) {
      return;
    }
    ws = null;
    boolean wasWelcomed = welcomed;
    welcomed = false;
    connected = false;
    cancelTimers();
    if (closing) {
      return;
    }
    if (wasWelcomed) {
      LOG.warn(
          "disconnected from the gateway (code {}, {}); reconnecting",
          socket.closeStatusCode(),
          socket.closeReason());
    }
    if (listener.onDisconnected()) {
      nextUrl();
      scheduleReconnect();
    }
  }

  private void cancelTimers() {
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
      heartbeatTimer = -1;
    }
    if (handshakeTimer >= 0) {
      vertx.cancelTimer(handshakeTimer);
      handshakeTimer = -1;
    }
  }

  /** What this worker holds from earlier connections: queued, running, or awaiting an ack. */
  private java.util.Map<String, Integer> held() {
    java.util.Map<String, Integer> held = new java.util.HashMap<>(engine.heldAttempts());
    outbox.unackedAttempts().forEach((id, attempt) -> held.merge(id, attempt, Math::max));
    return held;
  }

  /** Moves on to the next gateway URL, if there are several; the backoff carries on. */
  private void nextUrl() {
    if (urls.size() > 1) {
      urlIndex = (urlIndex + 1) % urls.size();
      LOG.info("next gateway to try: {}", urls.get(urlIndex));
    }
  }

  private void scheduleReconnect() {
    if (closing) {
      return;
    }
    long base = Math.max(1, backoff.toMillis());
    long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    Duration doubled = backoff.multipliedBy(2);
    backoff = doubled.compareTo(options.reconnectMax()) > 0 ? options.reconnectMax() : doubled;
    LOG.debug("reconnecting in {} ms", delay);
    vertx.setTimer(Math.max(1, delay), id -> connect());
  }

  private void onText(String text) {
    lastReceivedNanos = System.nanoTime();
    WorkerMessage message;
    try {
      message = WorkerProtocol.decode(text);
    } catch (RuntimeException e) {
      LOG.warn("ignoring an unreadable message from the gateway: {}", e.getMessage());
      return;
    }
    if (message instanceof TaskBatch batch) {
      engine.accept(batch);
    } else if (message instanceof Ack ack) {
      outbox.ack(ack.taskIds());
      listener.onProgress();
    } else if (message instanceof Welcome welcome) {
      onWelcome(welcome);
    } else if (message instanceof Cancel cancel) {
      engine.cancel(cancel.taskIds());
    } else if (message instanceof Drain) {
      LOG.info("the gateway asked this worker to drain");
      listener.onDrainRequested();
    } else if (message instanceof Artifact artifact) {
      artifacts.onArtifact(artifact);
    } else if (message instanceof ProtocolError error) {
      LOG.warn("the gateway reported an error: {}: {}", error.code(), error.message());
    } else {
      LOG.debug("ignoring unexpected {} from the gateway", message.getClass().getSimpleName());
    }
  }

  private void onWelcome(Welcome welcome) {
    welcomed = true;
    everWelcomed = true;
    connected = true;
    backoff = options.reconnectMin();
    if (handshakeTimer >= 0) {
      vertx.cancelTimer(handshakeTimer);
      handshakeTimer = -1;
    }
    long maxResult =
        welcome.maxResultBytes() > 0 ? welcome.maxResultBytes() : Limits.DEFAULT.maxResultBytes();
    int maxOutput =
        welcome.maxOutputBytes() >= 0 ? welcome.maxOutputBytes() : Limits.DEFAULT.maxOutputBytes();
    listener.onLimits(new Limits(maxResult, maxOutput));
    int seconds = welcome.heartbeatSeconds() > 0 ? welcome.heartbeatSeconds() : 10;
    heartbeatMillis = seconds * 1000L;
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    heartbeatTimer = vertx.setPeriodic(heartbeatMillis, id -> heartbeat());
    LOG.info(
        "connected to {} as {} (heartbeat {} s, {} unacknowledged results to re-send)",
        NodeAgentOptions.webSocketUrl(urls.get(urlIndex)),
        welcome.workerId(),
        seconds,
        outbox.unackedCount());
    outbox.resendAll();
    flush();
    for (String digest : artifacts.awaited()) {
      send(new ArtifactRequest(digest));
    }
    listener.onProgress();
  }

  private void heartbeat() {
    WebSocket socket = ws;
    if (socket == null || !welcomed) {
      return;
    }
    long silentMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastReceivedNanos);
    if (silentMillis > 3 * heartbeatMillis + 5_000) {
      LOG.warn("nothing heard from the gateway for {} ms; reconnecting", silentMillis);
      socket.close((short) 1001, "gateway silent");
      return;
    }
    send(new Heartbeat(engine.activeIds()));
    socket.writePing(Buffer.buffer("gale"));
  }

  private void flush() {
    List<TaskResult> results = outbox.takePending();
    if (results.isEmpty() || ws == null || !welcomed) {
      return; // kept as unacknowledged; re-sent after the next welcome
    }
    for (int i = 0; i < results.size(); i += RESULTS_PER_FRAME) {
      send(new ResultBatch(results.subList(i, Math.min(results.size(), i + RESULTS_PER_FRAME))));
    }
  }

  /** Sends one message as a text message, fragmented so that any server's frame limit holds. */
  private void send(WorkerMessage message) {
    WebSocket socket = ws;
    if (socket == null) {
      return;
    }
    String text = WorkerProtocol.encode(message);
    if (text.length() <= FRAGMENT_CHARS) {
      socket.writeFrame(WebSocketFrame.textFrame(text, true));
      return;
    }
    int n = text.length();
    int start = 0;
    boolean first = true;
    while (start < n) {
      int end = Math.min(n, start + FRAGMENT_CHARS);
      if (end < n && Character.isHighSurrogate(text.charAt(end - 1))) {
        end--;
      }
      String part = text.substring(start, end);
      boolean last = end == n;
      socket.writeFrame(
          first
              ? WebSocketFrame.textFrame(part, last)
              : WebSocketFrame.continuationFrame(Buffer.buffer(part), last));
      first = false;
      start = end;
    }
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    return message == null ? t.getClass().getSimpleName() : message;
  }
}
