package dev.gale.gateway.impl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.TaskState;
import dev.gale.api.WorkerInfo;
import dev.gale.scheduler.Scheduler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's Prometheus metrics, all prefixed {@code gale_}:
 *
 * <ul>
 *   <li>{@code gale_tasks{state}}: tasks per state cluster-wide (from the scheduler, refreshed at
 *       most once per {@link #REFRESH_NANOS} when scraped);
 *   <li>{@code gale_queue_depth{pool}}, {@code gale_workers{pool}}, {@code
 *       gale_worker_slots{pool}}: likewise;
 *   <li>{@code gale_tasks_submitted_total{kind}}: tasks accepted by this gateway;
 *   <li>{@code gale_tasks_direct_total}: of those, invoked tasks handed straight to a worker of
 *       this gateway at submit because it had room and nothing was queued (no ready queue, no
 *       dispatcher: the short path of sync invokes);
 *   <li>{@code gale_tasks_finished_total{kind,outcome}}: tasks whose end was recorded through this
 *       gateway ({@code succeeded}, {@code failed});
 *   <li>{@code gale_task_latency_seconds}: created → finished, observed for finished tasks this
 *       gateway reads anyway (waited-for ones) plus a sample of the others;
 *   <li>{@code gale_task_run_time_seconds{kind}}: an attempt's run time as its worker reports it;
 *   <li>{@code gale_http_requests_total{method,status}}: HTTP requests answered;
 *   <li>{@code gale_pool_blocks{pool,state}}, {@code gale_pool_healthy{pool}} (1 or 0), {@code
 *       gale_pool_decisions_total{pool,case}} (decisions by strategy case) and {@code
 *       gale_pool_submit_failures_total{pool}}: what each pool's elastic scaler last published
 *       (refreshed with the scheduler's counts; the counters restart when another scaler takes a
 *       pool over).
 *   <li>Micrometer's JVM meters of the gateway's JVM (with {@code gale up} also the scheduler
 *       member's and the scaler's): {@code jvm_memory_used_bytes{area,id}}, {@code
 *       jvm_memory_max_bytes}, {@code jvm_gc_pause_seconds{action,cause,gc}}, {@code
 *       jvm_gc_live_data_size_bytes}, {@code jvm_threads_live_threads}, ...
 * </ul>
 *
 * Thread-safe. Only {@link #refresh} blocks (it reads the scheduler).
 */
final class GatewayMetrics {
  /** Minimum time between two reads of the scheduler's counts. */
  static final long REFRESH_NANOS = 1_000_000_000L;

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<TaskState, AtomicLong> byState = new EnumMap<>(TaskState.class);
  private final ConcurrentHashMap<String, AtomicLong> queueDepth = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicLong> workers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicLong> slots = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> submitted = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> finished = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Timer> runTime = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> http = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<List<String>, AtomicLong> poolMeters = new ConcurrentHashMap<>();
  private final Timer latency;
  private final Counter direct;
  private volatile long refreshedAt = System.nanoTime() - 2 * REFRESH_NANOS;

  /** Listens to the JVM's collections; closed with the gateway. */
  private final JvmGcMetrics gc = new JvmGcMetrics();

  GatewayMetrics() {
    // the JVM this gateway runs in (with gale up: the scheduler member and scaler too)
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    for (TaskState s : TaskState.values()) {
      AtomicLong v = new AtomicLong();
      byState.put(s, v);
      Gauge.builder("gale.tasks", v, AtomicLong::get)
          .description(
              "Tasks in each state held in the scheduler's memory (finished ones for a minute)")
          .tag("state", s.wireName())
          .register(registry);
    }
    direct =
        Counter.builder("gale.tasks.direct")
            .description("Invoked tasks handed straight to a worker of this gateway at submit")
            .register(registry);
    latency =
        Timer.builder("gale.task.latency")
            .description("Time from a task's creation to its end")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(100_000))
            .maximumExpectedValue(Duration.ofHours(1))
            .register(registry);
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Stops listening to the JVM's garbage collections. */
  void close() {
    gc.close();
  }

  /** Counts tasks accepted by this gateway. */
  void submitted(String kind, int n) {
    submitted
        .computeIfAbsent(
            kind,
            k ->
                Counter.builder("gale.tasks.submitted")
                    .description("Tasks accepted by this gateway")
                    .tag("kind", k)
                    .register(registry))
        .increment(n);
  }

  /** Counts an invoked task handed straight to a worker at submit. */
  void direct() {
    direct.increment();
  }

  /** Counts a task whose terminal outcome was recorded through this gateway. */
  void finished(String kind, String outcome) {
    finished
        .computeIfAbsent(
            kind + '\u0000' + outcome,
            k ->
                Counter.builder("gale.tasks.finished")
                    .description("Tasks that ended through results recorded by this gateway")
                    .tag("kind", kind)
                    .tag("outcome", outcome)
                    .register(registry))
        .increment();
  }

  /** Records one attempt's run time. */
  void runTime(String kind, long millis) {
    if (millis < 0) {
      return;
    }
    runTime
        .computeIfAbsent(
            kind,
            k ->
                Timer.builder("gale.task.run.time")
                    .description("Run time of one attempt as reported by its worker")
                    .tag("kind", k)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(100_000))
                    .maximumExpectedValue(Duration.ofHours(24))
                    .register(registry))
        .record(millis, TimeUnit.MILLISECONDS);
  }

  /** Records a task's created → finished latency. */
  void latency(long millis) {
    if (millis >= 0) {
      latency.record(millis, TimeUnit.MILLISECONDS);
    }
  }

  /** Counts an answered HTTP request. */
  void httpRequest(String method, int status) {
    http.computeIfAbsent(
            method + ' ' + status,
            k ->
                Counter.builder("gale.http.requests")
                    .description("HTTP requests answered by this gateway")
                    .tag("method", method)
                    .tag("status", Integer.toString(status))
                    .register(registry))
        .increment();
  }

  /** True when the scheduler-derived gauges are older than {@link #REFRESH_NANOS}. */
  boolean stale() {
    return System.nanoTime() - refreshedAt > REFRESH_NANOS;
  }

  /** Reads counts, queue depths and workers from the scheduler. Blocks. */
  void refresh(Scheduler scheduler) {
    Map<TaskState, Long> counts = scheduler.countByState();
    for (TaskState s : TaskState.values()) {
      byState.get(s).set(counts.getOrDefault(s, 0L));
    }
    Map<String, Long> depths = scheduler.queueDepths();
    queueDepth.values().forEach(v -> v.set(0));
    depths.forEach((pool, d) -> gauge(queueDepth, "gale.queue.depth", "Tasks queued", pool).set(d));
    Map<String, long[]> perPool = new HashMap<>();
    for (WorkerInfo w : scheduler.workers()) {
      long[] a = perPool.computeIfAbsent(w.pool(), p -> new long[2]);
      a[0]++;
      a[1] += w.slots();
    }
    workers.values().forEach(v -> v.set(0));
    slots.values().forEach(v -> v.set(0));
    perPool.forEach(
        (pool, a) -> {
          gauge(workers, "gale.workers", "Connected workers", pool).set(a[0]);
          gauge(slots, "gale.worker.slots", "Slots of connected workers", pool).set(a[1]);
        });
    refreshPools(scheduler.poolStatuses());
    refreshedAt = System.nanoTime();
  }

  /** Sets the pool meters from the scalers' published statuses; pools without one read 0. */
  void refreshPools(Map<String, JsonNode> statuses) {
    poolMeters.values().forEach(v -> v.set(0));
    statuses.forEach(
        (pool, st) -> {
          JsonNode m = st.path("metrics");
          poolMeter(
                  false,
                  "gale.pool.healthy",
                  "1 when the pool's scaler reports it healthy",
                  pool,
                  null,
                  null)
              .set(st.path("healthy").asBoolean(false) ? 1 : 0);
          m.path("blocks")
              .fields()
              .forEachRemaining(
                  e ->
                      poolMeter(
                              false,
                              "gale.pool.blocks",
                              "Blocks of the pool by state",
                              pool,
                              "state",
                              e.getKey())
                          .set(e.getValue().asLong()));
          m.path("decisions")
              .fields()
              .forEachRemaining(
                  e ->
                      poolMeter(
                              true,
                              "gale.pool.decisions",
                              "Scaler decisions of the pool by strategy case",
                              pool,
                              "case",
                              e.getKey())
                          .set(e.getValue().asLong()));
          poolMeter(
                  true,
                  "gale.pool.submit.failures",
                  "Blocks the provider failed to submit",
                  pool,
                  null,
                  null)
              .set(m.path("submitFailures").asLong());
        });
  }

  /**
   * A meter of one pool, registered on first use: a counter of events the scaler counted, or a
   * gauge; tagged {@code tagKey=tag} too when {@code tagKey} is set.
   */
  private AtomicLong poolMeter(
      boolean counter, String name, String help, String pool, String tagKey, String tag) {
    return poolMeters.computeIfAbsent(
        Arrays.asList(name, pool, tag),
        k -> {
          AtomicLong v = new AtomicLong();
          List<Tag> tags = new ArrayList<>();
          tags.add(Tag.of("pool", pool));
          if (tagKey != null) {
            tags.add(Tag.of(tagKey, tag));
          }
          if (counter) {
            FunctionCounter.builder(name, v, AtomicLong::doubleValue)
                .description(help)
                .tags(tags)
                .register(registry);
          } else {
            Gauge.builder(name, v, AtomicLong::get).description(help).tags(tags).register(registry);
          }
          return v;
        });
  }

  /** The Prometheus text exposition. */
  String scrape() {
    return registry.scrape();
  }

  private AtomicLong gauge(
      ConcurrentHashMap<String, AtomicLong> map, String name, String help, String pool) {
    return map.computeIfAbsent(
        pool,
        p -> {
          AtomicLong v = new AtomicLong();
          Gauge.builder(name, v, AtomicLong::get)
              .description(help)
              .tag("pool", p)
              .register(registry);
          return v;
        });
  }
}
