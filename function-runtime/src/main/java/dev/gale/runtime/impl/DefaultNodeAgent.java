package dev.gale.runtime.impl;

import dev.gale.runtime.NodeAgent;
import dev.gale.runtime.NodeAgentOptions;
import dev.gale.runtime.process.WorkDirs;
import dev.gale.runtime.spi.FunctionKindRegistry;
import dev.gale.runtime.spi.KindEnvironment;
import dev.gale.runtime.spi.Limits;
import dev.gale.transfer.StagingException;
import dev.gale.transfer.TransferSettings;
import dev.gale.transfer.staging.StagingEngine;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link NodeAgent}: wires the {@link GatewayConnection} (one Vert.x event loop), the {@link
 * TaskEngine} (slot threads), the {@link ResultOutbox} and the function kinds, and runs the
 * lifecycle: start, drain, stop, parent watch.
 *
 * <p>Threads: one event loop (daemon), {@code slots} slot threads, one timer for timeouts and
 * kills, one control thread for blocking shutdown work.
 */
public final class DefaultNodeAgent implements NodeAgent {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultNodeAgent.class);

  static final Duration ABANDON_GRACE = Duration.ofSeconds(10);
  static final Duration KILL_WAIT = Duration.ofSeconds(5);
  static final Duration FINAL_ACK_WAIT = Duration.ofSeconds(2);
  static final String VERSION = readVersion();

  private final NodeAgentOptions options;
  private final Path workDir;
  private final boolean temporaryWorkDir;
  private final Vertx vertx;
  private final ScheduledThreadPoolExecutor timer;
  private final ExecutorService control;
  private final FunctionKindRegistry kinds;
  private final ResultOutbox outbox;
  private final TaskEngine engine;
  private final GatewayConnection connection;
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final AtomicBoolean closeCalled = new AtomicBoolean();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicBoolean shutdownStarted = new AtomicBoolean();
  private final AtomicBoolean begun = new AtomicBoolean();

  private volatile Limits limits = Limits.DEFAULT;
  private StagingEngine staging;
  private boolean stagingClosed;
  private volatile boolean draining;
  private volatile boolean finishing;

  private DefaultNodeAgent(NodeAgentOptions options, Path workDir, boolean temporaryWorkDir) {
    this.options = options;
    this.workDir = workDir;
    this.temporaryWorkDir = temporaryWorkDir;
    this.outbox =
        new ResultOutbox(ResultOutbox.flushCountFor(options.slots() + options.prefetch()));
    this.timer = new ScheduledThreadPoolExecutor(1, daemon("gale-agent-timer"));
    this.timer.setRemoveOnCancelPolicy(true);
    this.control = Executors.newSingleThreadExecutor(daemon("gale-agent-control"));
    this.vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setUseDaemonThread(true)
                .setFileSystemOptions(
                    new FileSystemOptions()
                        .setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false)));
    Context context = vertx.getOrCreateContext();
    GatewayConnection[] conn = new GatewayConnection[1];
    ArtifactFetcher artifacts = new ArtifactFetcher(digest -> conn[0].requestArtifact(digest));
    this.kinds =
        FunctionKindRegistry.load(
            new KindEnvironment(workDir, options.slots(), options.python(), artifacts, timer));
    this.engine =
        new TaskEngine(
            options.slots(),
            workDir.resolve("attempts"),
            timer,
            ABANDON_GRACE,
            outbox,
            () -> limits,
            new AttemptStaging(this::stagingEngine),
            new FunctionTable(kinds),
            this::onEngineIdle);
    this.connection =
        new GatewayConnection(
            vertx,
            context,
            options,
            kinds.keys(),
            VERSION,
            engine,
            outbox,
            artifacts,
            new ConnectionEvents());
    conn[0] = connection;
    outbox.flusher(connection);
  }

  /**
   * The node's one staging engine, built from {@link NodeAgentOptions#transfer()} when a task first
   * needs it (so an agent that never stages builds no S3 or HTTP clients).
   *
   * @throws StagingException when the transfer settings are malformed or the agent is stopping
   */
  private synchronized StagingEngine stagingEngine() {
    if (stagingClosed) {
      throw new StagingException(
          StagingException.Reason.CANCELLED, "the worker is stopping", true, null);
    }
    if (staging == null) {
      TransferSettings settings = options.transfer();
      try {
        staging = new StagingEngine(settings.stagers(), settings.stagingOptions());
      } catch (IllegalArgumentException e) {
        throw new StagingException(
            StagingException.Reason.INVALID,
            "the worker's transfer settings are invalid: " + e.getMessage(),
            false,
            e);
      }
    }
    return staging;
  }

  private synchronized void closeStaging() {
    stagingClosed = true;
    if (staging != null) {
      staging.close();
    }
  }

  /** See {@link NodeAgent#start}. */
  public static DefaultNodeAgent start(NodeAgentOptions options) {
    DefaultNodeAgent agent = prepare(options);
    agent.connect();
    return agent;
  }

  /** See {@link NodeAgent#prepare}. */
  public static DefaultNodeAgent prepare(NodeAgentOptions options) {
    Path dir;
    boolean temporary = options.workDir() == null;
    try {
      dir =
          temporary
              ? Files.createTempDirectory("gale-worker-")
              : Files.createDirectories(options.workDir());
      Files.createDirectories(dir.resolve("attempts"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the work directory: " + e.getMessage(), e);
    }
    DefaultNodeAgent agent = new DefaultNodeAgent(options, dir, temporary);
    agent.engine.start();
    agent.watchParent();
    return agent;
  }

  @Override
  public void connect() {
    if (!begun.compareAndSet(false, true)) {
      return;
    }
    LOG.info(
        "node agent {} starting: gateway {}, pool {}, {} slots, prefetch {}, kinds {}, work dir {}",
        options.workerId(),
        options.webSocketUrl(),
        options.pool(),
        options.slots(),
        options.prefetch(),
        kinds.keys(),
        workDir);
    connection.start();
  }

  // ---- connection events (event loop) ----

  private final class ConnectionEvents implements GatewayConnection.Listener {
    @Override
    public void onDrainRequested() {
      beginDrain();
    }

    @Override
    public void onProgress() {
      checkDrainDone();
    }

    @Override
    public boolean onDisconnected() {
      if (draining && engine.isIdle() && outbox.allAcked()) {
        finishDrain();
        return false;
      }
      return !finishing;
    }

    @Override
    public void onLimits(Limits announced) {
      limits = announced;
    }
  }

  private void onEngineIdle() {
    if (draining) {
      connection.onEventLoop(this::checkDrainDone);
    }
  }

  // ---- drain and stop ----

  @Override
  public void drain() {
    connection.onEventLoop(this::beginDrain);
  }

  private void beginDrain() {
    if (!draining) {
      draining = true;
      engine.stopAccepting();
      LOG.info(
          "draining: {} tasks to finish, {} results to deliver",
          engine.active(),
          outbox.unackedCount());
    }
    checkDrainDone();
  }

  private void checkDrainDone() {
    if (draining && !finishing && engine.isIdle() && outbox.allAcked()) {
      finishDrain();
    }
  }

  /** On the event loop: everything is delivered; disconnect and stop. */
  private void finishDrain() {
    finishing = true;
    LOG.info("drained; disconnecting");
    connection.shutdownSocket((short) 1000, "drained");
    runOnControl(this::shutdown);
  }

  @Override
  public void close() {
    if (Context.isOnEventLoopThread()
        && Vertx.currentContext() != null
        && Vertx.currentContext().owner() == vertx) {
      throw new IllegalStateException("close() blocks; do not call it on the agent's event loop");
    }
    if (isTerminated()) {
      return;
    }
    if (!begun.get() && closeCalled.compareAndSet(false, true)) {
      shutdown(); // prepared, never connected: nothing to drain
    }
    if (closeCalled.compareAndSet(false, true)) {
      drain();
      if (!awaitQuietly(options.drainTimeout())) {
        stopNow("the drain did not finish within " + options.drainTimeout());
      }
    }
    awaitQuietly(Duration.ofSeconds(60));
  }

  /** Kills what runs, tries briefly to deliver the results, and shuts down. Blocking. */
  private void stopNow(String why) {
    if (!stopping.compareAndSet(false, true) || isTerminated()) {
      return;
    }
    LOG.warn("stopping node agent {}: {}", options.workerId(), why);
    draining = true;
    engine.killAll();
    try {
      engine.awaitIdle(KILL_WAIT);
      if (connection.isConnected()) {
        connection.flushNow();
        long deadline = System.nanoTime() + FINAL_ACK_WAIT.toNanos();
        while (!outbox.allAcked() && connection.isConnected() && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    shutdown();
  }

  private void shutdown() {
    if (!shutdownStarted.compareAndSet(false, true)) {
      return;
    }
    finishing = true;
    try {
      engine.killAll();
      engine.stop(Duration.ofSeconds(2));
      connection.close((short) 1001, "worker stopping", Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    kinds.close();
    closeStaging();
    try {
      vertx.close().await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("closing Vert.x: {}", e.toString());
    }
    timer.shutdownNow();
    if (temporaryWorkDir) {
      WorkDirs.deleteTree(workDir);
    }
    control.shutdown();
    LOG.info("node agent {} stopped", options.workerId());
    terminated.countDown();
  }

  private void watchParent() {
    long pid = options.parentPid();
    if (pid <= 0) {
      return;
    }
    var parent = ProcessHandle.of(pid);
    if (parent.isEmpty() || !parent.get().isAlive()) {
      runOnControl(() -> stopNow("parent process " + pid + " is not running"));
      return;
    }
    parent
        .get()
        .onExit()
        .thenRun(() -> runOnControl(() -> stopNow("parent process " + pid + " exited")));
  }

  private void runOnControl(Runnable action) {
    try {
      control.execute(action);
    } catch (RejectedExecutionException e) {
      // already stopped
    }
  }

  // ---- queries ----

  @Override
  public String workerId() {
    return options.workerId();
  }

  @Override
  public boolean isConnected() {
    return connection.isConnected();
  }

  @Override
  public int activeTasks() {
    return engine.active();
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public boolean isTerminated() {
    return terminated.getCount() == 0;
  }

  /** The agent's working directory (for tests and logs). */
  public Path workDir() {
    return workDir;
  }

  private boolean awaitQuietly(Duration timeout) {
    try {
      return awaitTermination(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return isTerminated();
    }
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private static String readVersion() {
    try (InputStream in =
        NodeAgent.class.getResourceAsStream("/dev/gale/runtime/runtime.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
