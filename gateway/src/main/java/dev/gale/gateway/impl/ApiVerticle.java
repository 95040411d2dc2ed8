package dev.gale.gateway.impl;

import dev.gale.api.ForbiddenException;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.api.Role;
import dev.gale.api.TokenRecord;
import dev.gale.api.protocol.WorkerProtocol;
import dev.gale.gateway.GatewayOptions;
import dev.gale.scheduler.Scheduler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP verticle: one {@link Router} with the v1 API, the worker WebSocket endpoint
 * and the operations endpoints. The v1 routes are mounted by three groups ({@link FunctionRoutes},
 * {@link TaskRoutes}, {@link AdminRoutes}); each route is a small private {@code handleX}. Every
 * failure leaves through {@link #handleFailure} and the table in {@link HttpErrors}. Handlers run
 * on the event loop and reach the scheduler only through {@code executeBlocking} (unordered).
 *
 * <pre>
 *  request ─▶ count ─▶ body (limit) ─▶ authenticate (token cache, else executeBlocking)
 *          ─▶ handleX: validate ─▶ executeBlocking(scheduler…) ─▶ respond | long-poll
 *  any failure ─▶ handleFailure ─▶ HttpErrors ─▶ {"error": {code, message, details}}
 * </pre>
 */
public final class ApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);
  private static final String OPENAPI_RESOURCE = "/dev/gale/gateway/openapi.yaml";

  private final GatewayCore core;
  private final Scheduler scheduler;
  private final GatewayOptions options;
  private final BearerAuth auth;
  private Router router;
  private HttpServer server;
  private Buffer openApi;
  private long silenceTimer = -1;
  private long orphanTimer = -1;
  private volatile boolean listening;

  ApiVerticle(GatewayCore core) {
    this.core = core;
    this.scheduler = core.scheduler;
    this.options = core.options;
    this.auth = new BearerAuth(core.vertx, core.tokens);
  }

  @Override
  public Future<?> start() {
    openApi = Buffer.buffer(loadOpenApi());
    router = buildRouter();
    HttpServerOptions serverOptions =
        new HttpServerOptions()
            .setHost(options.host())
            .setPort(options.port())
            .setMaxWebSocketFrameSize(GatewayOptions.MAX_WORKER_MESSAGE_BYTES)
            .setMaxWebSocketMessageSize(GatewayOptions.MAX_WORKER_MESSAGE_BYTES);
    server = vertx.createHttpServer(serverOptions).requestHandler(router);
    long period = Math.max(200, options.heartbeatSeconds() * 1000L / 2);
    silenceTimer =
        vertx.setPeriodic(
            period,
            id -> {
              core.hub.checkSilent();
              core.hub.checkDrains();
              vertx
                  .executeBlocking(
                      () -> {
                        core.transfers.heartbeat();
                        return null;
                      },
                      false)
                  .onFailure(t -> LOG.debug("transfer heartbeat failed: {}", t.toString()));
            });
    // Workers of a gateway that died stay RUNNING until their registrations expire; then one
    // gateway of the cluster, the holder of the sweep lease, gives their attempts back (idempotent,
    // fenced by worker and attempt) and releases tasks whose upstream tasks ended unnoticed.
    long sweep = Math.max(5_000, options.heartbeatSeconds() * 2000L);
    Duration grace = Duration.ofSeconds(3L * options.heartbeatSeconds() + 5);
    Duration leaseTtl = Duration.ofMillis(3 * sweep);
    orphanTimer =
        vertx.setPeriodic(
            sweep,
            id ->
                vertx
                    .executeBlocking(
                        () ->
                            scheduler
                                    .tryLease(SWEEP_LEASE, options.gatewayId(), leaseTtl)
                                    .isPresent()
                                ? scheduler.recoverOrphans(grace)
                                    + core.transfers.failAbandoned(grace)
                                : 0,
                        false)
                    .onFailure(t -> LOG.debug("orphan sweep failed: {}", t.toString())));
    return server
        .listen()
        .onSuccess(
            s -> {
              listening = true;
              LOG.info(
                  "gateway {} listening on {}:{}",
                  options.gatewayId(),
                  options.host(),
                  s.actualPort());
            });
  }

  /** The lease whose holder runs the cluster's periodic sweeps. */
  static final String SWEEP_LEASE = "gateway.sweep";

  @Override
  public Future<?> stop() {
    listening = false;
    vertx.cancelTimer(silenceTimer);
    vertx.cancelTimer(orphanTimer);
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** The port the server listens on. */
  public int port() {
    return server.actualPort();
  }

  /** The router (for the routes/OpenAPI consistency test). */
  Router router() {
    return router;
  }

  Router buildRouter() {
    Router r = Router.router(vertx);
    BodyHandler jsonBody = BodyHandler.create(false).setBodyLimit(options.maxBodyBytes());
    BodyHandler jarBody = BodyHandler.create(false).setBodyLimit(options.maxArtifactBytes());
    r.route().handler(this::countRequest);
    r.get("/healthz").handler(this::handleHealth);
    r.get("/readyz").handler(this::handleReady);
    r.get("/metrics").handler(this::handleMetrics);
    r.get("/openapi.yaml").handler(this::handleOpenApi);
    r.get(WorkerProtocol.PATH).handler(this::handleConnect);
    r.route("/v1/*").handler(ctx -> (isArtifactUpload(ctx) ? jarBody : jsonBody).handle(ctx));
    r.route("/v1/*").handler(this::authenticate);
    new FunctionRoutes(core).mount(r);
    new TaskRoutes(core).mount(r);
    new AdminRoutes(core).mount(r);
    new TransferRoutes(core).mount(r);
    r.route().failureHandler(this::handleFailure);
    r.errorHandler(404, this::handleFailure);
    r.errorHandler(405, this::handleFailure);
    return r;
  }

  // ---- cross-cutting ----

  private void countRequest(RoutingContext ctx) {
    String method = ctx.request().method().name();
    ctx.addEndHandler(ar -> core.metrics.httpRequest(method, ctx.response().getStatusCode()));
    ctx.next();
  }

  private static boolean isArtifactUpload(RoutingContext ctx) {
    return "/v1/artifacts".equals(ctx.normalizedPath())
        && ctx.request().method() == io.vertx.core.http.HttpMethod.POST;
  }

  private void authenticate(RoutingContext ctx) {
    withToken(ctx)
        .onSuccess(
            token -> {
              if (token.role() == Role.WORKER) {
                ctx.fail(
                    new ForbiddenException(
                        "worker tokens may only connect to " + WorkerProtocol.PATH));
                return;
              }
              ctx.put(Exchange.PRINCIPAL, token);
              ctx.next();
            })
        .onFailure(ctx::fail);
  }

  /** The caller's token: from the cache on the event loop, else verified off it. */
  private Future<TokenRecord> withToken(RoutingContext ctx) {
    return auth.resolve(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
  }

  private <T> Future<T> blocking(Callable<T> call) {
    return vertx.executeBlocking(call, false);
  }

  private void handleFailure(RoutingContext ctx) {
    long limit = isArtifactUpload(ctx) ? options.maxArtifactBytes() : options.maxBodyBytes();
    HttpErrors.HttpError e = HttpErrors.map(ctx.failure(), ctx.statusCode(), limit);
    if (e.unexpected()) {
      LOG.error(
          "unexpected failure on {} {} (reference {})",
          ctx.request().method(),
          ctx.request().path(),
          e.error().details().path("reference").asText(),
          ctx.failure());
    }
    HttpServerResponse r = ctx.response();
    if (r.ended() || r.closed()) {
      return;
    }
    if (r.headWritten()) {
      r.reset();
      return;
    }
    r.setStatusCode(e.status()).putHeader(HttpHeaders.CONTENT_TYPE, Exchange.JSON);
    if (e.retryAfterSeconds() != null) {
      r.putHeader(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds().toString());
    }
    r.end(Buffer.buffer(e.body()));
  }

  // ---- operations ----

  private void handleHealth(RoutingContext ctx) {
    Exchange.respond(ctx, 200, Json.object().put("status", "ok"));
  }

  private void handleReady(RoutingContext ctx) {
    if (!listening) {
      Exchange.respond(ctx, 503, Json.object().put("status", "starting"));
      return;
    }
    blocking(scheduler::isReady)
        .onComplete(
            ar -> {
              boolean ready = ar.succeeded() && ar.result();
              Exchange.respond(
                  ctx,
                  ready ? 200 : 503,
                  Json.object().put("status", ready ? "ready" : "scheduler not ready"));
            });
  }

  private void handleMetrics(RoutingContext ctx) {
    GatewayMetrics m = core.metrics;
    blocking(
            () -> {
              if (m.stale()) {
                try {
                  m.refresh(scheduler);
                } catch (RuntimeException e) {
                  LOG.debug("metrics refresh failed: {}", e.toString());
                }
              }
              return m.scrape();
            })
        .onSuccess(
            text ->
                ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                    .end(text))
        .onFailure(ctx::fail);
  }

  private void handleOpenApi(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml").end(openApi);
  }

  private static byte[] loadOpenApi() {
    try (InputStream in = ApiVerticle.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + OPENAPI_RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + OPENAPI_RESOURCE, e);
    }
  }

  // ---- worker endpoint ----

  private void handleConnect(RoutingContext ctx) {
    // The token may need a look-up in the scheduler: hold the request so that it is not read to
    // its end before the upgrade (Vert.x refuses to upgrade a request that has been read).
    ctx.request().pause();
    withToken(ctx)
        .onSuccess(
            token -> {
              if (token.role() != Role.WORKER) {
                ctx.fail(new ForbiddenException("only worker tokens may connect as a worker"));
                return;
              }
              if (!ctx.request().canUpgradeToWebSocket()) {
                ctx.fail(
                    new InvalidRequestException(
                        WorkerProtocol.PATH + " expects a WebSocket upgrade request"));
                return;
              }
              ctx.request()
                  .toWebSocket()
                  .onSuccess(ws -> core.hub.accept(ws, token))
                  .onFailure(t -> LOG.debug("worker upgrade failed: {}", t.toString()));
            })
        .onFailure(ctx::fail);
  }
}
