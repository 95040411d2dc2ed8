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
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
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
 * <p><b>Hand-over.</b> A loop can start with blocks that an earlier loop of the pool left running
 * ({@link Builder#adopt}): the first tick asks the provider to adopt each, tracks those it could,
 * and cancels again those that were being stopped. A {@linkplain Builder#guard guard} that answers
 * false makes a tick do nothing at all (the scaler lost its lease on the pool), and a {@linkplain
 * Builder#listener listener} sees every status the loop publishes (to share it, with {@link
 * #records()}, with the scaler that may take over).
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
  private final BooleanSupplier guard;
  private final Consumer<ScalerStatus> listener;

  private final Object lock = new Object();
  private final AtomicLong submitFailures = new AtomicLong();
  private final Map<String, TrackedBlock> blocks = new LinkedHashMap<>();
  private PoolSettings settings;
  private StartFailures failures = StartFailures.NONE;
  private boolean decided;
  private List<BlockRecord> toAdopt;
  private boolean stopped;
  private boolean closed;
  private ScheduledFuture<?> scheduled;
  private ScheduledFuture<?> wake;
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
    this.guard = b.guard;
    this.listener = b.listener;
    this.toAdopt = b.adopt.isEmpty() ? null : List.copyOf(b.adopt);
    this.decided = !b.firstDecision;
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
      if (interval.toMillis() > WAKE_MILLIS) {
        wake =
            executor.scheduleWithFixedDelay(
                this::wakeIfWorkArrived, WAKE_MILLIS, WAKE_MILLIS, TimeUnit.MILLISECONDS);
      }
    }
  }

  /** How often a pool without blocks looks for work between two ticks. */
  static final long WAKE_MILLIS = 100;

  /**
   * Ticks at once when the pool has no block and tasks are queued, so that a burst to a pool scaled
   * to zero does not wait for the next tick: one queue-depth read, no provider call.
   */
  private void wakeIfWorkArrived() {
    synchronized (lock) {
      if (stopped || closed || !blocks.isEmpty()) {
        return;
      }
    }
    try {
      if (depthSource.queued(pool) > 0) {
        tickQuietly();
      }
    } catch (RuntimeException e) {
      log.debug("pool {}: queue depth not read between ticks: {}", pool, e.toString());
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
      if (!guard.getAsBoolean()) {
        log.debug("pool {}: guard says no; tick skipped", pool);
        return skipped(now);
      }
      if (toAdopt != null) {
        adoptAll(toAdopt, now);
        toAdopt = null;
      }
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
        if (t.observeLoad(depth.runningOn(t.id), depth.hasWorkers(t.id), now, cfg)
            && failures.consecutive() > 0) {
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
      keepReady(decision, cfg);
      publish(now, snapshot, decision, decision.health());
      return decision;
    }
  }

  /** What the last tick published; never blocks, never null. */
  public ScalerStatus status() {
    return status;
  }

  /**
   * The blocks this loop tracks, as another loop of the pool would adopt them; blocks handed in
   * with {@link Builder#adopt} and not adopted yet are included. Waits for a running tick.
   */
  public List<BlockRecord> records() {
    synchronized (lock) {
      List<BlockRecord> out = new ArrayList<>();
      blocks.values().forEach(t -> out.add(t.record()));
      if (toAdopt != null) {
        toAdopt.stream().filter(r -> !blocks.containsKey(r.id())).forEach(out::add);
      }
      return out;
    }
  }

  /** Submits that failed since the loop was built (for metrics). */
  public long submitFailures() {
    return submitFailures.get();
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
      if (wake != null) {
        wake.cancel(false);
      }
    }
    if (f != null) {
      f.cancel(false);
    }
    if (ownsExecutor) {
      executor.shutdown();
    }
    dropReady();
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
      if (toAdopt != null) {
        // never ticked: the handed-over blocks are still ours to stop
        adoptAll(toAdopt, clock.instant());
        toAdopt = null;
      }
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

  /**
   * Lets the provider keep a block ready for the next scale-out while the pool may grow: below
   * {@code maxBlocks} (a pool at its maximum, like {@code gale up}'s fixed one, keeps nothing idle)
   * and healthy (a standby would only fail the same way).
   */
  private void keepReady(Decision d, PoolSettings cfg) {
    try {
      if (!stopped && blocks.size() < cfg.maxBlocks() && d.health().healthy()) {
        provider.keepReady(request(cfg));
      } else {
        provider.dropReady();
      }
    } catch (RuntimeException e) {
      log.warn("pool {}: cannot keep a block ready: {}", pool, e.toString());
    }
  }

  private BlockRequest request(PoolSettings cfg) {
    return new BlockRequest(pool, cfg.nodesPerBlock(), cfg.slotsPerNode(), cfg.walltime());
  }

  /** Drops what the provider keeps ready; never throws. */
  private void dropReady() {
    try {
      provider.dropReady();
    } catch (RuntimeException e) {
      log.warn("pool {}: cannot drop the block kept ready: {}", pool, e.toString());
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
              || (t.draining && s.state() == BlockState.COMPLETED) // a drained agent leaves
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
    BlockRequest request = request(cfg);
    for (int i = 0; i < d.start(); i++) {
      try {
        String id = provider.submit(request);
        TrackedBlock t = new TrackedBlock(id, now);
        t.jobId = jobIdOf(id);
        blocks.put(id, t);
      } catch (RuntimeException e) {
        submitFailures.incrementAndGet();
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

  private String jobIdOf(String id) {
    try {
      return provider.jobId(id).orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Takes over blocks of an earlier loop; blocks that were being stopped are cancelled again. */
  private void adoptAll(List<BlockRecord> records, Instant now) {
    List<String> restop = new ArrayList<>();
    for (BlockRecord r : records) {
      if (blocks.containsKey(r.id())) {
        continue;
      }
      boolean ok;
      try {
        ok = provider.adopt(r);
      } catch (RuntimeException e) {
        log.warn("pool {}: cannot adopt block {}: {}", pool, r.id(), describe(e));
        ok = false;
      }
      if (!ok) {
        log.warn(
            "pool {}: provider {} cannot adopt block {} (job {}); it is no longer tracked",
            pool,
            provider.key(),
            r.id(),
            r.jobId());
        continue;
      }
      TrackedBlock t = TrackedBlock.adopted(r, now);
      if (t.jobId == null) {
        t.jobId = jobIdOf(r.id());
      }
      blocks.put(r.id(), t);
      if (r.stopping()) {
        restop.add(r.id());
      }
    }
    log.info(
        "pool {}: adopted {} of {} block(s) left by an earlier scaler",
        pool,
        blocks.size(),
        records.size());
    if (!restop.isEmpty()) {
      try {
        provider.cancel(restop);
      } catch (RuntimeException e) {
        log.warn("pool {}: cannot cancel adopted blocks {}: {}", pool, restop, describe(e));
      }
    }
    decided = true;
  }

  private Decision skipped(Instant now) {
    return new Decision(
        0,
        List.of(),
        List.of(),
        status.decision() == null ? 0 : status.decision().target(),
        List.of("6c"),
        "case 6c: this scaler may not act on the pool now (lease not held); no action",
        status.health());
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
    ScalerStatus published =
        new ScalerStatus(pool, strategy.name(), cfg, now, snapshot, d, health, infos);
    status = published;
    if (old.health().healthy() && !health.healthy()) {
      log.warn("pool {} is unhealthy: {}", pool, health.reason());
    } else if (!old.health().healthy() && health.healthy()) {
      log.info("pool {} is healthy again", pool);
    }
    try {
      listener.accept(published);
    } catch (RuntimeException e) {
      log.warn("pool {}: status listener failed: {}", pool, e.toString());
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
    private BooleanSupplier guard = () -> true;
    private Consumer<ScalerStatus> listener = s -> {};
    private List<BlockRecord> adopt = List.of();
    private boolean firstDecision = true;

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

    /**
     * Blocks an earlier loop of the pool left running: the first tick (or {@link #close()}, if it
     * comes first) asks the provider to adopt each. Adopting blocks makes that tick no first
     * decision ({@code initBlocks} does not apply). Default none.
     */
    public Builder adopt(Collection<BlockRecord> v) {
      adopt = List.copyOf(v);
      return this;
    }

    /**
     * Whether the loop's first decision is the pool's first, when {@code initBlocks} applies;
     * default true. A loop that takes over a pool from another scaler passes false.
     */
    public Builder firstDecision(boolean v) {
      firstDecision = v;
      return this;
    }

    /**
     * Asked at the start of every tick; when false the tick does nothing (no provider call, no
     * decision applied, nothing published). Called under the loop's lock; must not block. Default
     * always true.
     */
    public Builder guard(BooleanSupplier v) {
      guard = Objects.requireNonNull(v, "guard");
      return this;
    }

    /**
     * Told every status the loop publishes, on the thread that published it (the loop's, or the one
     * closing it), under the loop's lock: it may call {@link ScalerLoop#records()} but should not
     * block long. Exceptions are logged. Default none.
     */
    public Builder listener(Consumer<ScalerStatus> v) {
      listener = Objects.requireNonNull(v, "listener");
      return this;
    }

    /** The loop; not started. */
    public ScalerLoop build() {
      return new ScalerLoop(this);
    }
  }
}
