package dev.gale.scaler.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.scaler.BlockDrainer;
import dev.gale.scaler.ProviderRegistry;
import dev.gale.scaler.QueueDepthSource;
import dev.gale.scaler.ScalerStatus;
import dev.gale.scaler.strategy.QueueDepthStrategy;
import dev.gale.scaler.strategy.Strategy;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the elastic scaler of a Gale deployment: one {@link dev.gale.scaler.ScalerLoop} per
 * configured pool, created, changed and removed live as the pools' settings change, and exactly one
 * per pool in the whole cluster.
 *
 * <pre>
 *  control thread, every pollInterval:
 *    PoolSettingsSource.pools() ∪ pools with a published status
 *      not held ──▶ LeaseSource.tryLease("scaler.pool.NAME") ──▶ got it: take over
 *      held     ──▶ renew every ttl/3; failed ──▶ lose: stop the loop, blocks keep running
 *                   settings changed ──▶ apply (same shape: live update; new provider: adopt or
 *                   replace the blocks); pool deleted ──▶ retire: stop blocks, remove status, release
 *
 *  each pool's thread (PoolRunner): take over = read the published status, adopt its blocks
 *    (Provider.adopt), start the loop; the loop ticks here and publishes its status, fenced,
 *    through PoolStatusStore after every tick. A refused publish means a newer holder: stop.
 * </pre>
 *
 * <p><b>Safety.</b> A loop acts only while its lease was renewed less than 3/4 of the lease's time
 * to live ago (the {@linkplain dev.gale.scaler.ScalerLoop.Builder#guard guard}), so a scaler that
 * lost the cluster stops acting before another can take the pool; and its status writes carry its
 * fence, so it can never overwrite its successor's. Losing the lease never cancels blocks: the next
 * holder adopts them from the published status.
 *
 * <p>Invalid settings (an unknown provider, options the provider refuses) start no loop: the pool's
 * status says {@code healthy: false} with the reason. New settings that are invalid leave the
 * running loop on the previous ones, and the status says so.
 *
 * <p>Thread-safe. Construction does no I/O; {@link #start()} starts the control thread.
 */
public final class ScalerService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScalerService.class);

  /** The prefix of the lease a pool's scaler holds: {@code scaler.pool.<name>}. */
  public static final String LEASE_PREFIX = "scaler.pool.";

  private final Parts parts;
  private final PoolSettingsSource source;
  private final Duration pollInterval;
  private final Map<String, PoolRunner> runners = new ConcurrentHashMap<>();
  private final Object control = new Object();
  private ScheduledExecutorService controlThread;
  private boolean closed;

  /** What the runners share. */
  static final class Parts {
    final ProviderRegistry registry;
    final BlockCommandFactory commands;
    final QueueDepthSource depth;
    final BlockDrainer drainer;
    final PoolStatusStore store;
    final LeaseSource leases;
    final String holder;
    final InstantSource clock;
    final Duration leaseTtl;
    final Duration tickInterval;
    final Path workDir;
    final Supplier<Strategy> strategy;

    Parts(Builder b) {
      this.registry = b.registry != null ? b.registry : ProviderRegistry.fromServiceLoader();
      this.commands = Objects.requireNonNull(b.commands, "commands");
      this.depth = Objects.requireNonNull(b.depth, "depth");
      this.drainer = b.drainer;
      this.store = Objects.requireNonNull(b.store, "store");
      this.leases = Objects.requireNonNull(b.leases, "leases");
      this.holder = b.holder;
      this.clock = b.clock;
      this.leaseTtl = b.leaseTtl;
      this.tickInterval = b.tickInterval;
      this.workDir = Objects.requireNonNull(b.workDir, "workDir");
      this.strategy = b.strategy;
    }

    PoolSpec parse(String pool, JsonNode json) {
      return PoolSpec.parse(pool, json, registry);
    }

    /** How long after a renewal a loop may still act. */
    Duration actWindow() {
      return leaseTtl.multipliedBy(3).dividedBy(4);
    }
  }

  private ScalerService(Builder b) {
    this.parts = new Parts(b);
    this.source = Objects.requireNonNull(b.source, "settings source");
    this.pollInterval = b.pollInterval;
  }

  /** A builder; see each setter for its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The lease name of a pool's scaler. */
  public static String leaseName(String pool) {
    return LEASE_PREFIX + pool;
  }

  /** This scaler's name in leases and statuses. */
  public String holder() {
    return parts.holder;
  }

  /** The providers this scaler can start pools on. */
  public ProviderRegistry registry() {
    return parts.registry;
  }

  /**
   * Polls the pool settings and leases now and every poll interval on a control thread, until
   * {@link #close()}.
   *
   * @throws IllegalStateException when started twice or closed
   */
  public void start() {
    synchronized (control) {
      if (controlThread != null || closed) {
        throw new IllegalStateException("scaler service already started or closed");
      }
      controlThread =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "gale-scaler-control");
                t.setDaemon(true);
                return t;
              });
      controlThread.scheduleWithFixedDelay(
          this::refreshQuietly, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Asks the control thread for a poll now (after a change of settings this process made). */
  public void wake() {
    synchronized (control) {
      if (controlThread != null && !closed) {
        controlThread.execute(this::refreshQuietly);
      }
    }
  }

  /** The pools whose loop this scaler runs now (it holds their lease). */
  public Set<String> leading() {
    Set<String> out = new TreeSet<>();
    runners.forEach(
        (name, r) -> {
          if (r.leading) {
            out.add(name);
          }
        });
    return out;
  }

  /** What the loop of a pool published last, when this scaler runs the pool's loop. */
  public Optional<ScalerStatus> loopStatus(String pool) {
    PoolRunner r = runners.get(pool);
    return r == null ? Optional.empty() : Optional.ofNullable(r.loopStatus());
  }

  /**
   * One poll: reads the settings, takes, renews or loses leases, and hands changes to the pools'
   * threads (which apply them asynchronously). Runs on the control thread; tests call it directly
   * instead of {@link #start()}.
   */
  public void refresh() {
    synchronized (control) {
      if (closed) {
        return;
      }
      Instant now = parts.clock.instant();
      Map<String, JsonNode> settings = readSettings();
      Map<String, JsonNode> statuses;
      try {
        statuses = parts.store.all();
      } catch (RuntimeException e) {
        statuses = Map.of();
      }
      if (settings != null) {
        Set<String> names = new LinkedHashSet<>(settings.keySet());
        // a pool deleted while no scaler ran it still has blocks to stop
        statuses.keySet().stream().filter(n -> !settings.containsKey(n)).forEach(names::add);
        for (String n : names) {
          runners.computeIfAbsent(n, k -> new PoolRunner(k, parts));
        }
      }
      List<String> forget = new ArrayList<>();
      for (PoolRunner r : runners.values()) {
        if (r.finished) {
          forget.add(r.pool);
          continue;
        }
        JsonNode want = settings == null ? r.handed : settings.get(r.pool);
        if (r.leading) {
          renew(r, now);
        }
        if (settings == null) {
          continue;
        }
        if (r.leading) {
          if (!Objects.equals(want, r.handed) || r.retryConfigure) {
            r.handed = want;
            r.retryConfigure = false;
            if (want == null) {
              r.post("retire", r::retire);
            } else {
              r.post("apply settings", () -> r.apply(want));
            }
          }
        } else if (want == null && !statuses.containsKey(r.pool)) {
          forget.add(r.pool);
        } else {
          take(r, want, now);
        }
      }
      for (String n : forget) {
        PoolRunner r = runners.remove(n);
        if (r != null) {
          r.exec.shutdown();
        }
      }
    }
  }

  private Map<String, JsonNode> readSettings() {
    try {
      return Objects.requireNonNull(source.pools(), "pools");
    } catch (RuntimeException e) {
      log.warn("cannot read the pool settings: {}; loops keep running", e.toString());
      return null;
    }
  }

  private void renew(PoolRunner r, Instant now) {
    if (now.isBefore(r.renewedAt.plus(parts.leaseTtl.dividedBy(3)))) {
      return;
    }
    OptionalLong f;
    try {
      f = parts.leases.tryLease(leaseName(r.pool), parts.holder, parts.leaseTtl);
    } catch (RuntimeException e) {
      log.warn("pool {}: cannot renew the lease: {}", r.pool, e.toString());
      f = OptionalLong.empty();
    }
    if (f.isPresent() && f.getAsLong() == r.fence) {
      r.renewedAt = now;
      return;
    }
    r.leading = false;
    r.post("lose the lease", r::lose);
    if (f.isPresent()) {
      // it had lapsed and is ours again under a new fence: a fresh take-over
      take(r, r.handed, now);
    }
  }

  private void take(PoolRunner r, JsonNode want, Instant now) {
    OptionalLong f;
    try {
      f = parts.leases.tryLease(leaseName(r.pool), parts.holder, parts.leaseTtl);
    } catch (RuntimeException e) {
      log.debug("pool {}: cannot ask for the lease: {}", r.pool, e.toString());
      return;
    }
    if (f.isEmpty()) {
      return;
    }
    r.fence = f.getAsLong();
    r.renewedAt = now;
    r.leading = true;
    r.handed = want;
    r.retryConfigure = false;
    log.info("pool {}: this scaler ({}) holds the lease, fence {}", r.pool, parts.holder, r.fence);
    r.post("take over", () -> r.takeOver(want));
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      log.error("scaler poll failed", e);
    }
  }

  /**
   * Stops every loop from ticking (no block is started or stopped any more) and keeps everything
   * else; {@link #close()} or {@link #scaleInAndClose()} follows. For a shutdown that drains
   * workers first. Waits for running ticks.
   */
  public void pause() {
    stopControl();
    runAll("pause", PoolRunner::pause);
  }

  /**
   * Stops the loops and gives the leases up, leaving every block running: another scaler (or this
   * one restarted) adopts them. Idempotent.
   */
  @Override
  public void close() {
    shutdown(false);
  }

  /** Stops every pool's blocks, then the loops, and gives the leases up. Idempotent. */
  public void scaleInAndClose() {
    shutdown(true);
  }

  private void shutdown(boolean scaleIn) {
    stopControl();
    synchronized (control) {
      if (closed) {
        return;
      }
      closed = true;
    }
    runAll(scaleIn ? "scale in" : "stop", r -> r.shutdown(scaleIn));
    runners.values().forEach(r -> r.exec.shutdown());
    runners.clear();
  }

  private void stopControl() {
    ScheduledExecutorService c;
    synchronized (control) {
      c = controlThread;
    }
    if (c != null) {
      c.shutdown();
      try {
        if (!c.awaitTermination(30, TimeUnit.SECONDS)) {
          log.warn("scaler control thread did not stop within 30 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void runAll(String what, java.util.function.Consumer<PoolRunner> step) {
    Map<String, Future<?>> pending = new HashMap<>();
    for (PoolRunner r : runners.values()) {
      try {
        pending.put(r.pool, r.exec.submit(() -> step.accept(r)));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // already shut down
      }
    }
    pending.forEach(
        (pool, f) -> {
          try {
            f.get(5, TimeUnit.MINUTES);
          } catch (ExecutionException e) {
            log.warn("pool {}: {} failed: {}", pool, what, e.getCause().toString());
          } catch (TimeoutException e) {
            log.warn("pool {}: {} did not finish within 5 minutes", pool, what);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  /** Builds a {@link ScalerService}; not thread-safe. Building does no I/O. */
  public static final class Builder {
    private PoolSettingsSource source;
    private LeaseSource leases;
    private PoolStatusStore store;
    private QueueDepthSource depth;
    private BlockCommandFactory commands;
    private ProviderRegistry registry;
    private BlockDrainer drainer = BlockDrainer.NONE;
    private Path workDir;
    private String holder = defaultHolder();
    private InstantSource clock = InstantSource.system();
    private Duration leaseTtl = Duration.ofSeconds(15);
    private Duration pollInterval = Duration.ofSeconds(2);
    private Duration tickInterval = Duration.ofSeconds(1);
    private Supplier<Strategy> strategy = QueueDepthStrategy::new;

    private Builder() {}

    /** Where the pools' settings are read; required. */
    public Builder settings(PoolSettingsSource v) {
      source = v;
      return this;
    }

    /** The leases that elect one scaler per pool; required. */
    public Builder leases(LeaseSource v) {
      leases = v;
      return this;
    }

    /** Where statuses (and blocks, for a successor) are published; required. */
    public Builder statusStore(PoolStatusStore v) {
      store = v;
      return this;
    }

    /** The pools' load; required. */
    public Builder depth(QueueDepthSource v) {
      depth = v;
      return this;
    }

    /** The node-agent command of each pool's blocks; required. */
    public Builder commands(BlockCommandFactory v) {
      commands = v;
      return this;
    }

    /** The providers; default {@link ProviderRegistry#fromServiceLoader()}. */
    public Builder registry(ProviderRegistry v) {
      registry = Objects.requireNonNull(v, "registry");
      return this;
    }

    /** How blocks are drained; default {@link BlockDrainer#NONE}. */
    public Builder drainer(BlockDrainer v) {
      drainer = Objects.requireNonNull(v, "drainer");
      return this;
    }

    /** The providers' work directory (logs, job scripts); required. */
    public Builder workDir(Path v) {
      workDir = v;
      return this;
    }

    /**
     * This scaler's name in leases: unique per process. Default {@code
     * scaler-<host>-<pid>-<random>}.
     */
    public Builder holder(String v) {
      holder = Objects.requireNonNull(v, "holder");
      return this;
    }

    /** Default {@link InstantSource#system()}. */
    public Builder clock(InstantSource v) {
      clock = Objects.requireNonNull(v, "clock");
      return this;
    }

    /**
     * Time to live of a pool's lease; default 15 s. It is renewed every third of that; a scaler
     * that cannot renew stops acting after 3/4 of it, and another takes the pool after all of it.
     */
    public Builder leaseTtl(Duration v) {
      leaseTtl = positive(v, "leaseTtl");
      return this;
    }

    /** How often settings and leases are polled; default 2 s. */
    public Builder pollInterval(Duration v) {
      pollInterval = positive(v, "pollInterval");
      return this;
    }

    /** The delay between two ticks of a pool's loop; default 1 s. */
    public Builder tickInterval(Duration v) {
      tickInterval = positive(v, "tickInterval");
      return this;
    }

    /** A new strategy per loop; default {@link QueueDepthStrategy}. */
    public Builder strategy(Supplier<Strategy> v) {
      strategy = Objects.requireNonNull(v, "strategy");
      return this;
    }

    /**
     * The service; not started.
     *
     * @throws NullPointerException naming a required part that is missing
     */
    public ScalerService build() {
      return new ScalerService(this);
    }

    private static Duration positive(Duration v, String name) {
      if (v == null || v.isNegative() || v.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + v);
      }
      return v;
    }

    private static String defaultHolder() {
      String host;
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "localhost";
      }
      String pid = ManagementFactory.getRuntimeMXBean().getName().split("@", 2)[0];
      return "scaler-" + host + "-" + pid + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
  }
}
