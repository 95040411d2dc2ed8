package dev.gale.gateway.impl;

import static dev.gale.gateway.impl.Exchange.json;
import static dev.gale.gateway.impl.Exchange.listOf;
import static dev.gale.gateway.impl.Exchange.respond;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.ConflictException;
import dev.gale.api.Json;
import dev.gale.api.NotFoundException;
import dev.gale.api.WorkerInfo;
import dev.gale.gateway.spi.PoolValidator;
import dev.gale.scheduler.Scheduler;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

/**
 * Tokens, pools and workers: {@code POST /v1/tokens}, {@code PUT} and {@code DELETE
 * /v1/pools/{name}} (admin only), {@code GET /v1/pools}, {@code GET /v1/pools/{name}}, {@code GET
 * /v1/workers}.
 *
 * <p>Pool settings are checked for their generic form here ({@link TaskRequests#poolSettings}) and
 * then by every {@link PoolValidator} on the class path (the providers' own checks). A pool with an
 * {@code owner} (the default pool of {@code gale up}) keeps its owner when its settings are
 * replaced and cannot be deleted.
 */
final class AdminRoutes {
  private final GatewayCore core;
  private final Scheduler scheduler;
  private final List<PoolValidator> validators;

  AdminRoutes(GatewayCore core) {
    this.core = core;
    this.scheduler = core.scheduler;
    this.validators =
        ServiceLoader.load(PoolValidator.class, AdminRoutes.class.getClassLoader()).stream()
            .map(ServiceLoader.Provider::get)
            .toList();
  }

  /** Adds this group's routes; call after the body and authentication handlers. */
  void mount(Router r) {
    r.post("/v1/tokens").handler(this::handleMintToken);
    r.get("/v1/pools").handler(this::handleListPools);
    r.get("/v1/pools/:name").handler(this::handleGetPool);
    r.put("/v1/pools/:name").handler(this::handlePutPool);
    r.delete("/v1/pools/:name").handler(this::handleDeletePool);
    r.get("/v1/workers").handler(this::handleListWorkers);
  }

  private <T> Future<T> blocking(Callable<T> call) {
    return core.vertx.executeBlocking(call, false);
  }

  private void handleMintToken(RoutingContext ctx) {
    Exchange.requireAdmin(ctx, "mint tokens");
    TaskRequests.TokenRequest req = TaskRequests.token(json(ctx));
    blocking(() -> core.tokens.mint(req.tenant(), req.role(), req.pool()))
        .onSuccess(
            secret -> {
              ObjectNode o =
                  Json.object()
                      .put("token", secret)
                      .put("tenant", req.tenant())
                      .put("role", req.role().wireName());
              if (req.pool() != null) {
                o.put("pool", req.pool());
              }
              respond(ctx, 201, o);
            })
        .onFailure(ctx::fail);
  }

  private void handleListPools(RoutingContext ctx) {
    blocking(() -> PoolViews.read(scheduler, null, false))
        .onSuccess(pools -> respond(ctx, 200, listOf("pools", pools)))
        .onFailure(ctx::fail);
  }

  private void handleGetPool(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    blocking(
            () -> {
              List<ObjectNode> infos = PoolViews.read(scheduler, name, true);
              if (infos.isEmpty()) {
                throw noPool(name);
              }
              return infos.get(0);
            })
        .onSuccess(info -> respond(ctx, 200, info))
        .onFailure(ctx::fail);
  }

  private void handlePutPool(RoutingContext ctx) {
    Exchange.requireAdmin(ctx, "configure pools");
    String name = TaskRequests.poolName(ctx.pathParam("name"), "name");
    ObjectNode settings = TaskRequests.poolSettings(json(ctx));
    blocking(
            () -> {
              validators.forEach(v -> v.validate(name, settings));
              JsonNode old = scheduler.pools().get(name);
              if (old != null && old.hasNonNull("owner")) {
                settings.set("owner", old.get("owner"));
              }
              scheduler.putPool(name, settings);
              return PoolViews.read(scheduler, name, true).get(0);
            })
        .onSuccess(info -> respond(ctx, 200, info))
        .onFailure(ctx::fail);
  }

  /**
   * Removes a pool's settings; its scaler then stops the pool's blocks (each worker gets its
   * provider's grace period to finish) and removes the pool. 202: that happens after the answer.
   */
  private void handleDeletePool(RoutingContext ctx) {
    Exchange.requireAdmin(ctx, "delete pools");
    String name = TaskRequests.poolName(ctx.pathParam("name"), "name");
    blocking(
            () -> {
              JsonNode old = scheduler.pools().get(name);
              if (old == null) {
                throw noPool(name);
              }
              if (old.hasNonNull("owner")) {
                throw new ConflictException(
                    "pool_owned",
                    "pool "
                        + name
                        + " belongs to "
                        + old.get("owner").asText()
                        + " and cannot be deleted while it runs; change its settings with PUT"
                        + " (maxBlocks 0 pauses it)",
                    Json.object().put("pool", name).put("owner", old.get("owner").asText()));
              }
              scheduler.deletePool(name);
              List<ObjectNode> views = PoolViews.read(scheduler, name, true);
              ObjectNode o = views.isEmpty() ? Json.object().put("name", name) : views.get(0);
              o.put("deleting", true);
              return o;
            })
        .onSuccess(info -> respond(ctx, 202, info))
        .onFailure(ctx::fail);
  }

  private static NotFoundException noPool(String name) {
    return new NotFoundException("not_found", "no pool " + name, Json.object().put("pool", name));
  }

  private void handleListWorkers(RoutingContext ctx) {
    blocking(() -> new ArrayList<>(scheduler.workers()))
        .onSuccess(
            list -> {
              list.sort(
                  java.util.Comparator.comparing(WorkerInfo::pool).thenComparing(WorkerInfo::id));
              respond(ctx, 200, listOf("workers", list));
            })
        .onFailure(ctx::fail);
  }
}
