package dev.gale.scaler;

import dev.gale.scaler.spi.Provider;
import dev.gale.scaler.strategy.Decision;
import dev.gale.scaler.strategy.PoolHealth;
import dev.gale.scaler.strategy.PoolSettings;
import dev.gale.scaler.strategy.PoolSnapshot;
import dev.gale.scaler.strategy.QueueDepthStrategy;
import dev.gale.scaler.strategy.StartFailures;
import dev.gale.scaler.strategy.Strategy;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control loop of one pool: every tick it polls its blocks' status from the {@link Provider},
 * reads the pool's load from a {@link QueueDepthSource}, asks the {@link Strategy} for a {@link
 * Decision}, and applies it: drain through the {@link BlockDrainer}, then cancel, then submit.
 *
 * <p>The loop is the strategy's memory: it tracks each block (submitted when, running since when,
 * idle since when, draining, stopping) and counts consecutive failed attempts to start ({@link
 * StartFailures}): a submit that throws, or a block that ends {@code FAILED}, {@code MISSING} or
 * {@code COMPLETED} before it counts as started (running, and having run a task or stayed up {@link
 * PoolSettings#stableAfter()}). A block that starts clears the count. A block that ends {@code
 * CANCELLED}, {@code SCALED_IN} or {@code TIMEOUT}, or after it was drained, is no failure.
 *
 * <p>When the provider's status or the queue depth cannot be read, the tick changes nothing and the
 * pool is reported unhealthy with the error (case {@code 6a} or {@code 6b}), until a tick succeeds.
 *
 * <p><b>Threads.</b> {@link #start()} runs {@link #tick()} on the scheduled executor every {@code
 * interval} (fixed delay). Ticks are serialised by a lock and may block on the provider (a cancel
 * waits for its grace period). {@link #status()} never blocks: it returns what the last tick
 * published. All methods are thread-safe. Construction does no I/O.
 */
public final class ScalerLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScalerLoop.class);

  private final String pool;
  private final Provider provider;
  private final Strategy strategy;
  private final QueueDepthSource depthSource;
  private final BlockDrainer drainer;
  private final InstantSource clock;
  private final ScheduledExecutorService executor;
  private final boolean ownsExecutor;
  private final Duration interval;

  private final Object lock = new Object();
  private final Map<String, TrackedBlock> blocks = new LinkedHashMap<>();
  private PoolSettings settings;
  private StartFailures failures = StartFailures.NONE;
  private boolean decided;
  private boolean stopped;
  private boolean closed;
  private ScheduledFuture<?> scheduled;
  private volatile ScalerStatus status;

  private ScalerLoop(Builder b) {
    this.pool = b.pool;
    this.provider = b.provider;
    this.depthSource = b.depthSource;
    this.strategy = b.strategy;
    this.drainer = b.drainer;
    this.clock = b.clock;
    this.interval = b.interval;
    this.settings = b.settings;
    this.ownsExecutor = b.executor == null;
    this.executor =
        b.executor != null
            ? b.executor
            : Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "gale-scaler-" + b.pool);
                  t.setDaemon(true);
                  return t;
                });
    this.status =
        new ScalerStatus(
            pool, strategy.name(), settings, null, null, null, PoolHealth.HEALTHY, List.of());
  }

  /**
   * A builder for the loop of {@code pool}.
   *
   * @param pool the pool's name
   * @param provider acquires and releases the pool's blocks
   * @param depthSource reads the pool's load
   */
  public static Builder builder(String pool, Provider provider, QueueDepthSource depthSource) {
    return new Builder(pool, provider, depthSource);
  }

  /** The pool's name. */
  public String pool() {
    return pool;
  }

  /**
   * Runs {@link #tick()} now and then every interval on the executor, until {@link #stop()} or
   * {@link #close()}.
   *
   * @throws IllegalStateException when already started, stopped or closed (a loop runs once)
   */
  public void start() {
    synchronized (lock) {
      if (scheduled != null || stopped || closed) {
        throw new IllegalStateException(
            "scaler loop of pool " + pool + " already started or closed");
      }
      scheduled =
          executor.scheduleWithFixedDelay(
              this::tickQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * One iteration: poll, read the load, decide, apply, publish. Blocks while another tick runs and
   * on the provider's calls. Tests call it directly instead of {@link #start()}.
   *
   * @return the decision made (a no-op one, case {@code 6a}/{@code 6b}, when the status or the load
   *     could not be read)
   * @throws IllegalStateException when the loop is closed
   */
  public Decision tick() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("scaler loop of pool " + pool + " is closed");
      }
      Instant now = clock.instant();
      PoolSettings cfg = settings;
      if (!blocks.isEmpty()) {
        Map<String, BlockStatus> statuses;
        try {
          statuses = provider.status(List.copyOf(blocks.keySet()));
        } catch (RuntimeException e) {
          return unavailable(now, "6a", "cannot read block status: " + e.getMessage());
        }
        observe(statuses, now);
      }
      QueueDepth depth;
      try {
        depth = Objects.requireNonNull(depthSource.depth(pool), "queue depth");
      } catch (RuntimeException e) {
        return unavailable(now, "6b", "cannot read queue depth: " + e.getMessage());
      }
      List<PoolSnapshot.Block> views = new ArrayList<>();
      int stopping = 0;
      for (TrackedBlock t : blocks.values()) {
        if (t.stopping) {
          stopping++;
          continue;
        }
        if (t.observeLoad(depth.runningOn(t.id), now, cfg) && failures.consecutive() > 0) {
          log.info(
              "pool {}: block {} started; clearing {} failure(s) to start",
              pool,
              t.id,
              failures.consecutive());
          failures = StartFailures.NONE;
        }
        views.add(t.view(cfg));
      }
      PoolSnapshot snapshot =
          new PoolSnapshot(
              now, cfg, depth.queued(), depth.running(), views, stopping, failures, !decided);
      Decision decision = strategy.decide(snapshot);
      decided = true;
      logDecision(decision);
      apply(decision, now, cfg);
      publish(now, snapshot, decision, decision.health());
      return decision;
    }
  }

  /** What the last tick published; never blocks, never null. */
  public ScalerStatus status() {
    return status;
  }

  /** The last decision, or null before the first tick. */
  public Decision lastDecision() {
    return status.decision();
  }

  /** The pool's health as of the last tick. */
  public PoolHealth health() {
    return status.health();
  }

  /** The settings in force; never blocks. */
  public PoolSettings settings() {
    return status.settings();
  }

  /**
   * Applies new settings from the next tick on. Clears the failures to start: a changed pool gets a
   * fresh chance (an operator who fixed the job script need not do anything else). Waits for a
   * running tick.
   */
  public void updateSettings(PoolSettings newSettings) {
    Objects.requireNonNull(newSettings, "settings");
    synchronized (lock) {
      settings = newSettings;
      failures = StartFailures.NONE;
      status =
          new ScalerStatus(
              pool,
              strategy.name(),
              newSettings,
              status.at(),
              status.snapshot(),
              status.decision(),
              PoolHealth.HEALTHY,
              status.blocks());
    }
  }

  /** Forgets the failures to start, so an unhealthy pool tries again from the next tick on. */
  public void resetFailures() {
    synchronized (lock) {
      updateSettings(settings);
    }
  }

  /**
   * Stops ticking and leaves the blocks as they are (for a hand-over to another scaler). Waits for
   * a running tick. Idempotent. {@link #tick()} may still be called by hand afterwards.
   */
  public void stop() {
    ScheduledFuture<?> f;
    synchronized (lock) {
      // a tick is never running here: it holds the lock; later scheduled ticks see the flag
      stopped = true;
      f = scheduled;
    }
    if (f != null) {
      f.cancel(false);
    }
    if (ownsExecutor) {
      executor.shutdown();
    }
  }

  /** Stops ticking and cancels every block; returns when the provider has stopped them. */
  @Override
  public void close() {
    stop();
    List<String> ids;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      ids = new ArrayList<>(blocks.keySet());
      blocks.clear();
    }
    if (!ids.isEmpty()) {
      log.info("pool {}: stopping {} block(s)", pool, ids.size());
      provider.cancel(ids);
    }
    publish(clock.instant(), status.snapshot(), status.decision(), status.health());
  }

  private void tickQuietly() {
    synchronized (lock) {
      if (stopped || closed) {
        return;
      }
      try {
        tick();
      } catch (RuntimeException e) {
        // never let an exception end the schedule
        log.error("pool {}: scaler tick failed", pool, e);
      }
    }
  }

  /** Records provider statuses; drops ended blocks, counting failures to start. */
  private void observe(Map<String, BlockStatus> statuses, Instant now) {
    for (Map.Entry<String, BlockStatus> e : statuses.entrySet()) {
      TrackedBlock t = blocks.get(e.getKey());
      BlockStatus s = e.getValue();
      if (t == null || s == null) {
        continue;
      }
      if (!s.isTerminal()) {
        t.observe(s, now);
        continue;
      }
      blocks.remove(t.id);
      String what =
          "block " + t.id + " ended " + s.state() + (s.message() == null ? "" : ": " + s.message());
      boolean expected =
          t.stopping
              || s.state() == BlockState.CANCELLED
              || s.state() == BlockState.SCALED_IN
              || s.state() == BlockState.TIMEOUT;
      if (expected) {
        log.info("pool {}: {}", pool, what);
      } else if (!t.started && !t.draining) {
        failures = failures.failed(t.submittedAt, now, what + " before it started");
        log.warn(
            "pool {}: {} before it started ({} failed attempt(s) in a row)",
            pool,
            what,
            failures.consecutive());
      } else {
        log.warn("pool {}: {}", pool, what);
      }
    }
  }

  private void apply(Decision d, Instant now, PoolSettings cfg) {
    for (String id : d.drain()) {
      TrackedBlock t = blocks.get(id);
      if (t == null || t.draining) {
        continue;
      }
      try {
        drainer.drain(pool, id);
        t.draining = true;
      } catch (RuntimeException e) {
        log.warn("pool {}: cannot drain block {}: {}", pool, id, e.getMessage());
      }
    }
    List<String> cancel = d.cancel().stream().filter(blocks::containsKey).toList();
    if (!cancel.isEmpty()) {
      try {
        provider.cancel(cancel);
        cancel.forEach(id -> blocks.get(id).stopping = true);
      } catch (RuntimeException e) {
        log.warn("pool {}: cannot cancel blocks {}: {}", pool, cancel, e.getMessage());
      }
    }
    BlockRequest request =
        new BlockRequest(pool, cfg.nodesPerBlock(), cfg.slotsPerNode(), cfg.walltime());
    for (int i = 0; i < d.start(); i++) {
      try {
        String id = provider.submit(request);
        blocks.put(id, new TrackedBlock(id, now));
      } catch (RuntimeException e) {
        failures = failures.failed(now, now, "submit failed: " + describe(e));
        log.warn(
            "pool {}: cannot start a block ({} failed attempt(s) in a row): {}",
            pool,
            failures.consecutive(),
            describe(e));
        break;
      }
    }
  }

  private Decision unavailable(Instant now, String label, String message) {
    log.warn("pool {}: {}; leaving blocks alone", pool, message);
    PoolHealth health = PoolHealth.unhealthy(message);
    Decision d =
        new Decision(
            0,
            List.of(),
            List.of(),
            status.decision() == null ? 0 : status.decision().target(),
            List.of(label),
            "case " + label + ": " + message + "; no action",
            health);
    publish(now, status.snapshot(), d, health);
    return d;
  }

  private void publish(Instant now, PoolSnapshot snapshot, Decision d, PoolHealth health) {
    List<ScalerStatus.BlockInfo> infos;
    PoolSettings cfg;
    synchronized (lock) {
      infos = blocks.values().stream().map(TrackedBlock::info).toList();
      cfg = settings;
    }
    ScalerStatus old = status;
    status = new ScalerStatus(pool, strategy.name(), cfg, now, snapshot, d, health, infos);
    if (old.health().healthy() && !health.healthy()) {
      log.warn("pool {} is unhealthy: {}", pool, health.reason());
    } else if (!old.health().healthy() && health.healthy()) {
      log.info("pool {} is healthy again", pool);
    }
  }

  private void logDecision(Decision d) {
    if (d.isNoop()) {
      log.debug("pool {}: {}", pool, d.reason());
    } else {
      log.info("pool {}: {}", pool, d.reason());
    }
  }

  /** The message of a provider failure, with the stderr and exit code of a failed command. */
  static String describe(RuntimeException e) {
    StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
    if (e instanceof ProviderException pe && pe.details() != null) {
      if (pe.details().hasNonNull("exitCode")) {
        sb.append(" (exit code ").append(pe.details().get("exitCode").asInt()).append(')');
      }
      String err = pe.details().path("stderr").asText("").strip();
      if (!err.isEmpty() && !sb.toString().contains(err)) {
        sb.append("; stderr: ").append(err.length() > 500 ? err.substring(0, 500) + "…" : err);
      }
    }
    return sb.toString();
  }

  /**
   * Builds a {@link ScalerLoop}; not thread-safe. Defaults are stated on each setter. Building does
   * no I/O.
   */
  public static final class Builder {
    private final String pool;
    private final Provider provider;
    private final QueueDepthSource depthSource;
    private PoolSettings settings = PoolSettings.defaults();
    private Strategy strategy = new QueueDepthStrategy();
    private BlockDrainer drainer = BlockDrainer.NONE;
    private InstantSource clock = InstantSource.system();
    private ScheduledExecutorService executor;
    private Duration interval = Duration.ofSeconds(1);

    private Builder(String pool, Provider provider, QueueDepthSource depthSource) {
      this.pool = Objects.requireNonNull(pool, "pool");
      this.provider = Objects.requireNonNull(provider, "provider");
      this.depthSource = Objects.requireNonNull(depthSource, "depthSource");
    }

    /** Default {@link PoolSettings#defaults()}. */
    public Builder settings(PoolSettings v) {
      settings = Objects.requireNonNull(v, "settings");
      return this;
    }

    /** Default a {@link QueueDepthStrategy}. */
    public Builder strategy(Strategy v) {
      strategy = Objects.requireNonNull(v, "strategy");
      return this;
    }

    /** Default {@link BlockDrainer#NONE}. */
    public Builder drainer(BlockDrainer v) {
      drainer = Objects.requireNonNull(v, "drainer");
      return this;
    }

    /** Default {@link InstantSource#system()}. */
    public Builder clock(InstantSource v) {
      clock = Objects.requireNonNull(v, "clock");
      return this;
    }

    /**
     * The executor ticks run on; the loop never shuts it down. Default: a single daemon thread of
     * the loop's own, shut down by {@link ScalerLoop#stop()}.
     */
    public Builder executor(ScheduledExecutorService v) {
      executor = Objects.requireNonNull(v, "executor");
      return this;
    }

    /** Delay between the end of a tick and the start of the next; default 1 s. */
    public Builder interval(Duration v) {
      if (v == null || v.isNegative() || v.isZero()) {
        throw new IllegalArgumentException("interval must be positive, got " + v);
      }
      interval = v;
      return this;
    }

    /** The loop; not started. */
    public ScalerLoop build() {
      return new ScalerLoop(this);
    }
  }
}
