package dev.gale.gateway.impl;

import static dev.gale.gateway.impl.Exchange.json;
import static dev.gale.gateway.impl.Exchange.listOf;
import static dev.gale.gateway.impl.Exchange.respond;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import dev.gale.api.NotFoundException;
import dev.gale.api.PoolInfo;
import dev.gale.api.WorkerInfo;
import dev.gale.scheduler.Scheduler;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Tokens, pools and workers: {@code POST /v1/tokens} and {@code PUT /v1/pools/{name}} (admin only),
 * {@code GET /v1/pools}, {@code GET /v1/pools/{name}}, {@code GET /v1/workers}.
 */
final class AdminRoutes {
  private final GatewayCore core;
  private final Scheduler scheduler;

  AdminRoutes(GatewayCore core) {
    this.core = core;
    this.scheduler = core.scheduler;
  }

  /** Adds this group's routes; call after the body and authentication handlers. */
  void mount(Router r) {
    r.post("/v1/tokens").handler(this::handleMintToken);
    r.get("/v1/pools").handler(this::handleListPools);
    r.get("/v1/pools/:name").handler(this::handleGetPool);
    r.put("/v1/pools/:name").handler(this::handlePutPool);
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
    blocking(() -> PoolViews.read(scheduler, null))
        .onSuccess(pools -> respond(ctx, 200, listOf("pools", pools)))
        .onFailure(ctx::fail);
  }

  private void handleGetPool(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    blocking(
            () -> {
              List<PoolInfo> infos = PoolViews.read(scheduler, name);
              if (infos.isEmpty()) {
                throw new NotFoundException(
                    "not_found", "no pool " + name, Json.object().put("pool", name));
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
              scheduler.putPool(name, settings);
              return PoolViews.read(scheduler, name).get(0);
            })
        .onSuccess(info -> respond(ctx, 200, info))
        .onFailure(ctx::fail);
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
