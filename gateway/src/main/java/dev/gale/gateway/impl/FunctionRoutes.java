package dev.gale.gateway.impl;

import static dev.gale.gateway.impl.Exchange.json;
import static dev.gale.gateway.impl.Exchange.listOf;
import static dev.gale.gateway.impl.Exchange.principal;
import static dev.gale.gateway.impl.Exchange.respond;

import dev.gale.api.ForbiddenException;
import dev.gale.api.FunctionDefinition;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.api.TokenRecord;
import dev.gale.scheduler.Scheduler;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * Functions and artifacts: {@code POST/GET /v1/functions}, {@code GET/DELETE /v1/functions/{id}},
 * {@code POST /v1/artifacts}. Visibility: a tenant sees its own and public functions; anything else
 * is 404.
 */
final class FunctionRoutes {
  private final GatewayCore core;
  private final Scheduler scheduler;

  FunctionRoutes(GatewayCore core) {
    this.core = core;
    this.scheduler = core.scheduler;
  }

  /** Adds this group's routes; call after the body and authentication handlers. */
  void mount(Router r) {
    r.post("/v1/functions").handler(this::handleCreateFunction);
    r.get("/v1/functions").handler(this::handleListFunctions);
    r.get("/v1/functions/:id").handler(this::handleGetFunction);
    r.delete("/v1/functions/:id").handler(this::handleDeleteFunction);
    r.post("/v1/artifacts").handler(this::handleUploadArtifact);
  }

  private <T> Future<T> blocking(Callable<T> call) {
    return core.vertx.executeBlocking(call, false);
  }

  private void handleCreateFunction(RoutingContext ctx) {
    TokenRecord p = principal(ctx);
    FunctionDefinition f =
        FunctionRequests.parse(json(ctx), FunctionRequests.newId(), p.tenant(), Instant.now());
    String artifact = FunctionRequests.artifactOf(f);
    blocking(
            () -> {
              if (artifact != null && !scheduler.hasArtifact(artifact)) {
                throw FunctionRequests.unknownArtifact(artifact);
              }
              scheduler.putFunction(f);
              return f;
            })
        .onSuccess(
            stored -> {
              core.functions.put(stored);
              ctx.response().putHeader(HttpHeaders.LOCATION, "/v1/functions/" + stored.id());
              respond(ctx, 201, stored);
            })
        .onFailure(ctx::fail);
  }

  private void handleListFunctions(RoutingContext ctx) {
    String tenant = principal(ctx).tenant();
    blocking(() -> scheduler.listFunctions(tenant))
        .onSuccess(list -> respond(ctx, 200, listOf("functions", list)))
        .onFailure(ctx::fail);
  }

  private void handleGetFunction(RoutingContext ctx) {
    String tenant = principal(ctx).tenant();
    String id = ctx.pathParam("id");
    blocking(() -> core.functions.visible(id, tenant))
        .onSuccess(f -> respond(ctx, 200, f))
        .onFailure(ctx::fail);
  }

  private void handleDeleteFunction(RoutingContext ctx) {
    String tenant = principal(ctx).tenant();
    String id = ctx.pathParam("id");
    blocking(
            () -> {
              FunctionDefinition f = core.functions.visible(id, tenant);
              if (!f.tenant().equals(tenant)) {
                throw new ForbiddenException("function " + id + " belongs to another tenant");
              }
              if (!scheduler.deleteFunction(id)) {
                throw FunctionCache.notFound(id);
              }
              return f;
            })
        .onSuccess(
            f -> {
              core.functions.markDeleted(id);
              ctx.response().setStatusCode(204).end();
            })
        .onFailure(ctx::fail);
  }

  private void handleUploadArtifact(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    byte[] bytes = body == null ? new byte[0] : body.getBytes();
    if (!Artifacts.looksLikeJar(bytes)) {
      throw new InvalidRequestException(
          "invalid_request",
          "the body must be a JAR (zip) file",
          Json.object().put("field", "body"));
    }
    blocking(
            () -> {
              String digest = Artifacts.digest(bytes);
              scheduler.putArtifact(digest, bytes);
              return digest;
            })
        .onSuccess(
            digest ->
                respond(ctx, 201, Json.object().put("digest", digest).put("size", bytes.length)))
        .onFailure(ctx::fail);
  }
}
