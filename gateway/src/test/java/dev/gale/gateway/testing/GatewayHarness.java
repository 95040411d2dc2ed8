package dev.gale.gateway.testing;

import dev.gale.api.Json;
import dev.gale.api.Role;
import dev.gale.gateway.Gateway;
import dev.gale.gateway.GatewayOptions;
import dev.gale.scheduler.Scheduler;
import dev.gale.scheduler.SchedulerOptions;
import dev.gale.scheduler.Schedulers;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real scheduler member, a Vert.x instance and a gateway on a free port, with tokens. */
public final class GatewayHarness implements AutoCloseable {
  public final Scheduler scheduler;
  public final Vertx vertx;
  public final Gateway gateway;
  public final Http http;
  public final String admin;
  private final List<TestWorker> workers = new ArrayList<>();

  public GatewayHarness(GatewayOptions options) {
    this(options, SchedulerOptions.forTests());
  }

  public GatewayHarness(GatewayOptions options, SchedulerOptions schedulerOptions) {
    this(options, schedulerOptions, java.util.function.UnaryOperator.identity());
  }

  /**
   * A harness whose gateway talks to the scheduler through {@code wrap} (to make chosen calls
   * fail); {@link #scheduler} is the real one.
   */
  public GatewayHarness(
      GatewayOptions options,
      SchedulerOptions schedulerOptions,
      java.util.function.UnaryOperator<Scheduler> wrap) {
    scheduler = Schedulers.member(schedulerOptions);
    vertx = Vertx.vertx();
    gateway = Gateway.start(vertx, wrap.apply(scheduler), options);
    http = new Http(gateway.port());
    admin = gateway.tokens().mint("ops", Role.ADMIN, null);
  }

  public GatewayHarness() {
    this(GatewayOptions.builder().port(0).heartbeatSeconds(1).build());
  }

  /** A new token of the tenant. */
  public String token(String tenant, Role role) {
    return gateway.tokens().mint(tenant, role, null);
  }

  /** A new worker token scoped to a pool. */
  public String workerToken(String tenant, String pool) {
    return gateway.tokens().mint(tenant, Role.WORKER, pool);
  }

  /** A connected, welcomed test worker. */
  public TestWorker worker(String id, String pool, int slots, int prefetch) {
    TestWorker w =
        TestWorker.start(
            vertx, gateway.port(), token("workers", Role.WORKER), id, pool, slots, prefetch);
    workers.add(w);
    return w;
  }

  /** Registers a java Echo function for the tenant; returns its id. */
  public String echoFunction(String userToken, String pool, int retries, boolean isPublic) {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("name", "echo");
    body.put("kind", "java");
    body.put("spec", Map.of("class", "dev.gale.function.builtin.Echo"));
    if (pool != null) {
      body.put("pool", pool);
    }
    body.put("retries", retries);
    body.put("public", isPublic);
    Http.Reply r = http.post("/v1/functions", userToken, body);
    if (r.status() != 201) {
      throw new AssertionError("registering failed: " + r);
    }
    return r.json().get("id").asText();
  }

  /** A fresh pool name, so tests do not see each other's queues. */
  public static String newPool() {
    return "p-" + Long.toString(System.nanoTime(), 36);
  }

  public static Object args(Object... kv) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  public static String json(Object o) {
    return Json.write(o);
  }

  @Override
  public void close() {
    workers.forEach(TestWorker::close);
    gateway.close();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // best effort
    }
    scheduler.close();
  }
}
