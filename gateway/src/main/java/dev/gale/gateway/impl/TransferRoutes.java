package dev.gale.gateway.impl;

import static dev.gale.gateway.impl.Exchange.json;
import static dev.gale.gateway.impl.Exchange.listOf;
import static dev.gale.gateway.impl.Exchange.principal;
import static dev.gale.gateway.impl.Exchange.respond;

import dev.gale.api.TokenRecord;
import dev.gale.api.TransferRecord;
import dev.gale.transfer.copy.TransferRequest;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;

/**
 * Site-to-site transfers: {@code POST /v1/transfers}, {@code GET /v1/transfers}, {@code GET
 * /v1/transfers/{id}}, {@code POST /v1/transfers/{id}/cancel}. A tenant sees only its own
 * transfers; anything else is 404. The copies run in this gateway ({@link Transfers}).
 */
final class TransferRoutes {
  private final GatewayCore core;

  TransferRoutes(GatewayCore core) {
    this.core = core;
  }

  /** Adds this group's routes; call after the body and authentication handlers. */
  void mount(Router r) {
    r.post("/v1/transfers").handler(this::handleSubmit);
    r.get("/v1/transfers").handler(this::handleList);
    r.get("/v1/transfers/:id").handler(this::handleGet);
    r.post("/v1/transfers/:id/cancel").handler(this::handleCancel);
  }

  private <T> Future<T> blocking(Callable<T> call) {
    return core.vertx.executeBlocking(call, false);
  }

  private void handleSubmit(RoutingContext ctx) {
    TokenRecord p = principal(ctx);
    TransferRequest req = TransferRequest.parse(json(ctx));
    blocking(() -> core.transfers.submit(p.tenant(), req))
        .onSuccess(t -> respond(ctx, 202, t.job()))
        .onFailure(ctx::fail);
  }

  private void handleList(RoutingContext ctx) {
    TokenRecord p = principal(ctx);
    blocking(
            () ->
                core.scheduler.listTransfers(p.tenant()).stream().map(TransferRecord::job).toList())
        .onSuccess(jobs -> respond(ctx, 200, listOf("transfers", jobs)))
        .onFailure(ctx::fail);
  }

  private void handleGet(RoutingContext ctx) {
    TokenRecord p = principal(ctx);
    String id = ctx.pathParam("id");
    blocking(() -> core.transfers.get(p.tenant(), id))
        .onSuccess(t -> respond(ctx, 200, t.job()))
        .onFailure(ctx::fail);
  }

  private void handleCancel(RoutingContext ctx) {
    TokenRecord p = principal(ctx);
    String id = ctx.pathParam("id");
    blocking(() -> core.transfers.cancel(p.tenant(), id))
        .onSuccess(t -> respond(ctx, 202, t.job()))
        .onFailure(ctx::fail);
  }
}
