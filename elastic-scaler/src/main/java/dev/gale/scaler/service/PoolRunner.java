package dev.gale.scaler.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.BlockRecord;
import dev.gale.scaler.ScalerLoop;
import dev.gale.scaler.ScalerStatus;
import dev.gale.scaler.spi.Provider;
import dev.gale.scaler.spi.ProviderContext;
import dev.gale.scaler.strategy.Decision;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pool inside a {@link ScalerService}: whether this scaler holds the pool's lease, and, while
 * it does, the pool's {@link ScalerLoop}. Every change to the loop (take-over, new settings, loss
 * of the lease, deletion, shutdown) runs on the pool's own thread, the one its loop ticks on, so
 * that it never overlaps a tick and a slow provider never delays another pool or a lease renewal.
 *
 * <p>Fields written by the service's control thread are volatile; the rest belong to the pool's
 * thread.
 */
final class PoolRunner {
  private static final Logger log = LoggerFactory.getLogger(PoolRunner.class);

  final String pool;
  final ScheduledExecutorService exec;
  private final ScalerService.Parts parts;

  // ---- written by the control thread
  volatile boolean leading;
  volatile long fence;
  volatile Instant renewedAt = Instant.EPOCH;

  /** Set when configuring failed for a reason that may pass (the cluster, a token): try again. */
  volatile boolean retryConfigure;

  /** The pool was deleted and its blocks stopped: the control thread forgets the runner. */
  volatile boolean finished;

  /** The settings last handed to this thread; control thread only. */
  JsonNode handed;

  // ---- the pool's thread
  private ScalerLoop loop;
  private PoolSpec spec;
  private String settingsError;
  private List<BlockRecord> held = List.of();
  private JsonNode heldSpec;
  private boolean everRan;
  private Decision counted;
  private Decision lastAction;
  private Instant lastActionAt;
  private final Map<String, Long> decisions = new TreeMap<>();
  private long submitFailuresBefore;

  PoolRunner(String pool, ScalerService.Parts parts) {
    this.pool = pool;
    this.parts = parts;
    this.exec =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "gale-scaler-" + pool);
              t.setDaemon(true);
              return t;
            });
  }

  /** Whether the loop may act: the lease is held and was renewed recently enough. */
  boolean mayAct() {
    return leading && parts.clock.instant().isBefore(renewedAt.plus(parts.actWindow()));
  }

  /** What the pool's loop published last, or null when it runs no loop here. */
  ScalerStatus loopStatus() {
    ScalerLoop l = loop;
    return l == null ? null : l.status();
  }

  /** Runs a step on the pool's thread; a failure is logged, never lost. */
  void post(String what, Runnable step) {
    try {
      exec.execute(
          () -> {
            try {
              step.run();
            } catch (RuntimeException e) {
              log.error("pool {}: {} failed", pool, what, e);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("pool {}: {} not run: shutting down", pool, what);
    }
  }

  // ---- steps, on the pool's thread

  /**
   * The lease was just taken: adopt the blocks the previous holder published and start the loop
   * with {@code json}, or stop them when the pool was deleted ({@code json} null).
   */
  void takeOver(JsonNode json) {
    JsonNode prev = parts.store.read(pool).orElse(null);
    List<BlockRecord> records = StatusJson.readRecords(prev);
    JsonNode prevSpec = prev == null ? null : prev.get("spec");
    if (records.isEmpty() && !held.isEmpty()) {
      // the shared status was lost (a full restart of the cluster): what this scaler knew is best
      records = held;
      prevSpec = heldSpec;
    }
    if (prev != null) {
      everRan = true;
      Object holder = prev.path("holder").asText(null);
      log.info(
          "pool {}: taking over from {} (fence {}) with {} block(s)",
          pool,
          holder,
          prev.path("fence").asLong(),
          records.size());
    }
    held = records;
    heldSpec = prevSpec;
    if (json == null) {
      retire();
      return;
    }
    configure(json);
  }

  /** New settings while this scaler runs the pool. */
  void apply(JsonNode json) {
    if (loop == null) {
      configure(json);
      return;
    }
    PoolSpec next;
    Provider provider = null;
    try {
      next = parts.parse(pool, json);
      if (!next.shape().equals(spec.shape())) {
        provider = provider(next);
      }
    } catch (InvalidRequestException e) {
      settingsError = e.getMessage();
      log.warn(
          "pool {}: new settings refused, keeping the previous ones: {}", pool, e.getMessage());
      publish(loop.status());
      return;
    } catch (RuntimeException e) {
      retryConfigure = true;
      log.warn("pool {}: cannot apply the new settings yet: {}", pool, e.toString());
      return;
    }
    settingsError = null;
    if (provider == null) {
      log.info("pool {}: settings changed", pool);
      loop.updateSettings(next.settings());
      spec = next;
      return;
    }
    if (next.provider().equals(spec.provider())) {
      log.info("pool {}: provider options changed; the new provider adopts the blocks", pool);
      loop.stop();
      List<BlockRecord> records = loop.records();
      keepCounters();
      startLoop(next, provider, records, false);
    } else {
      log.info(
          "pool {}: provider changed from {} to {}; stopping the old blocks",
          pool,
          spec.provider(),
          next.provider());
      loop.close();
      keepCounters();
      startLoop(next, provider, List.of(), true);
    }
  }

  /** The lease was lost: stop ticking, leave the blocks running for the next holder. */
  void lose() {
    if (loop != null) {
      loop.stop();
      held = loop.records();
      heldSpec = spec.source();
      keepCounters();
      loop = null;
      spec = null;
      log.warn(
          "pool {}: lease lost; loop stopped, {} block(s) left running for the next scaler",
          pool,
          held.size());
    }
  }

  /** The pool was deleted: stop its blocks, remove its status, give the lease up. */
  void retire() {
    if (loop != null) {
      log.info("pool {}: deleted; stopping its blocks", pool);
      loop.close();
      loop = null;
    } else {
      stopHeld();
    }
    try {
      parts.store.remove(pool, fence);
    } catch (RuntimeException e) {
      log.warn("pool {}: cannot remove its status: {}", pool, e.toString());
    }
    release();
    finished = true;
  }

  /** The service stops: stop or close the loop, and give the lease up. */
  void shutdown(boolean scaleIn) {
    if (loop != null) {
      if (scaleIn) {
        loop.close();
      } else {
        loop.stop();
        held = loop.records();
        heldSpec = spec.source();
      }
      loop = null;
    } else if (scaleIn && leading) {
      stopHeld();
    }
    release();
  }

  /** Stops ticking (blocks stay); a later {@link #shutdown} decides what happens to them. */
  void pause() {
    if (loop != null) {
      loop.stop();
    }
  }

  // ---- helpers

  private void configure(JsonNode json) {
    PoolSpec next;
    Provider provider;
    try {
      next = parts.parse(pool, json);
      provider = provider(next);
    } catch (InvalidRequestException e) {
      settingsError = e.getMessage();
      log.warn("pool {}: invalid settings, no loop runs: {}", pool, e.getMessage());
      publishHeld();
      return;
    } catch (RuntimeException e) {
      settingsError = "cannot start the pool's provider: " + e.getMessage();
      retryConfigure = true;
      log.warn("pool {}: {}; trying again", pool, settingsError);
      publishHeld();
      return;
    }
    settingsError = null;
    List<BlockRecord> adopt = held;
    if (!adopt.isEmpty() && !next.provider().equals(providerOf(heldSpec))) {
      log.info(
          "pool {}: {} block(s) of provider {} left; the pool is now on {}: stopping them",
          pool,
          adopt.size(),
          providerOf(heldSpec),
          next.provider());
      stopHeld();
      adopt = List.of();
    }
    startLoop(next, provider, adopt, !everRan);
  }

  private void startLoop(
      PoolSpec next, Provider provider, List<BlockRecord> adopt, boolean firstDecision) {
    loop =
        ScalerLoop.builder(pool, provider, parts.depth)
            .settings(next.settings())
            .strategy(parts.strategy.get())
            .drainer(parts.drainer)
            .clock(parts.clock)
            .interval(parts.tickInterval)
            .executor(exec)
            .adopt(adopt)
            .firstDecision(firstDecision)
            .guard(this::mayAct)
            .listener(this::publish)
            .build();
    spec = next;
    held = List.of();
    heldSpec = null;
    everRan = true;
    log.info(
        "pool {}: scaler loop started on provider {} (fence {}, {} block(s) adopted)",
        pool,
        next.provider(),
        fence,
        adopt.size());
    loop.start();
  }

  private Provider provider(PoolSpec s) {
    BlockCommand command = parts.commands.command(s);
    return parts.registry.create(
        s.provider(), new ProviderContext(pool, s.providerOptions(), command, parts.workDir));
  }

  /** Stops blocks that no loop tracks (left under other settings), through a throw-away loop. */
  private void stopHeld() {
    if (held.isEmpty()) {
      return;
    }
    try {
      PoolSpec old = parts.parse(pool, heldSpec);
      ScalerLoop.builder(pool, provider(old), parts.depth).adopt(held).build().close();
      log.info("pool {}: stopped {} block(s) left by earlier settings", pool, held.size());
    } catch (RuntimeException e) {
      log.warn(
          "pool {}: cannot stop {} block(s) left by earlier settings ({}); stop them by hand: {}",
          pool,
          held.size(),
          e.getMessage(),
          held.stream()
              .map(r -> r.id() + (r.jobId() == null ? "" : " (" + r.jobId() + ")"))
              .toList());
    }
    held = List.of();
    heldSpec = null;
  }

  private void release() {
    if (!leading) {
      return;
    }
    leading = false;
    try {
      parts.leases.release(ScalerService.leaseName(pool), parts.holder, fence);
    } catch (RuntimeException e) {
      log.warn("pool {}: cannot give the lease up: {}", pool, e.toString());
    }
  }

  private void keepCounters() {
    if (loop != null) {
      submitFailuresBefore += loop.submitFailures();
    }
  }

  private static String providerOf(JsonNode specJson) {
    return specJson == null ? null : specJson.path("provider").asText(null);
  }

  // ---- publishing

  /** The loop's listener: shares its status (and blocks) under this scaler's fence. */
  private void publish(ScalerStatus s) {
    ScalerLoop l = loop;
    Decision d = s.decision();
    if (d != null && d != counted) {
      counted = d;
      d.cases().forEach(c -> decisions.merge(c, 1L, Long::sum));
      if (!d.isNoop()) {
        lastAction = d;
        lastActionAt = s.at();
      }
    }
    ObjectNode o = header();
    o.put("strategy", s.strategy());
    if (s.at() != null) {
      o.put("at", s.at().toString());
    }
    if (settingsError != null) {
      o.put("healthy", false);
      o.put("reason", "new settings refused, the previous ones stay in force: " + settingsError);
    } else {
      o.put("healthy", s.health().healthy());
      o.put("reason", s.health().reason());
    }
    if (s.snapshot() != null) {
      o.put("queued", s.snapshot().queued());
      o.put("running", s.snapshot().running());
    }
    if (d != null) {
      o.put("target", d.target());
      o.set("decision", StatusJson.decision(d, null));
    }
    if (lastAction != null) {
      o.set("lastAction", StatusJson.decision(lastAction, lastActionAt));
    }
    o.set("blocks", StatusJson.blocks(s.blocks()));
    o.set(
        "metrics",
        metrics(o.get("blocks"), submitFailuresBefore + (l == null ? 0 : l.submitFailures())));
    o.set("spec", spec == null ? null : spec.source());
    write(o);
  }

  /** Status while no loop runs (invalid settings): the blocks known are kept for later. */
  private void publishHeld() {
    ObjectNode o = header();
    o.put("at", parts.clock.instant().toString());
    o.put("healthy", false);
    o.put("reason", "invalid pool settings: " + settingsError);
    o.set("blocks", StatusJson.records(held));
    o.set("metrics", metrics(o.get("blocks"), submitFailuresBefore));
    o.set("spec", heldSpec);
    write(o);
  }

  private ObjectNode header() {
    ObjectNode o = Json.object();
    o.put("pool", pool);
    if (spec != null) {
      o.put("provider", spec.provider());
    }
    o.put("holder", parts.holder);
    o.put("fence", fence);
    return o;
  }

  private ObjectNode metrics(JsonNode blocks, long submitFailures) {
    ObjectNode m = Json.object();
    ObjectNode byState = m.putObject("blocks");
    StatusJson.countByState(blocks).forEach(byState::put);
    ObjectNode byCase = m.putObject("decisions");
    decisions.forEach(byCase::put);
    m.put("submitFailures", submitFailures);
    return m;
  }

  private void write(ObjectNode o) {
    if (!leading) {
      return;
    }
    try {
      if (!parts.store.publish(pool, fence, o)) {
        log.warn("pool {}: another scaler has taken the pool over; stopping this loop", pool);
        leading = false;
        post("stop after take-over", this::lose);
      }
    } catch (RuntimeException e) {
      log.debug("pool {}: status not published: {}", pool, e.toString());
    }
  }
}
