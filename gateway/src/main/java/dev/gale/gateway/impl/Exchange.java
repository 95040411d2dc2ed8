package dev.gale.gateway.impl;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.ForbiddenException;
import dev.gale.api.Json;
import dev.gale.api.Role;
import dev.gale.api.Task;
import dev.gale.api.TokenRecord;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Request and response helpers shared by the route groups. All run on the event loop. */
final class Exchange {
  /** Routing-context key of the authenticated {@link TokenRecord}. */
  static final String PRINCIPAL = "gale.principal";

  static final String JSON = "application/json";

  private Exchange() {}

  /** The caller's token, set by authentication. */
  static TokenRecord principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  /** 403 unless the caller is an admin. */
  static void requireAdmin(RoutingContext ctx, String what) {
    if (principal(ctx).role() != Role.ADMIN) {
      throw new ForbiddenException("only admin tokens may " + what);
    }
  }

  /**
   * The body as JSON; a missing node for an empty body.
   *
   * @throws dev.gale.api.InvalidRequestException {@code invalid_json} when it is not JSON
   */
  static JsonNode json(RoutingContext ctx) {
    Buffer b = ctx.body().buffer();
    if (b == null || b.length() == 0) {
      return MissingNode.getInstance();
    }
    return Json.readTree(b.getBytes());
  }

  /** The body's bytes; empty when there is none. */
  static byte[] bytes(RoutingContext ctx) {
    Buffer b = ctx.body().buffer();
    return b == null ? EMPTY : b.getBytes();
  }

  private static final byte[] EMPTY = new byte[0];

  /** {@code {"tasks": [...]}}, written straight from the records. */
  record TaskList(List<Task> tasks) {}

  /** A page of {@code GET /v1/tasks}: {@code nextCursor} is written even when null. */
  record TaskListPage(
      List<Task> tasks, @JsonInclude(JsonInclude.Include.ALWAYS) String nextCursor) {}

  /** Answers with a JSON body, unless the response has ended already. */
  static void respond(RoutingContext ctx, int status, Object body) {
    HttpServerResponse r = ctx.response();
    if (r.ended()) {
      return;
    }
    r.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .end(Buffer.buffer(Json.writeBytes(body)));
  }

  /** {@code {field: [items]}}. */
  static ObjectNode listOf(String field, List<?> items) {
    ObjectNode o = Json.object();
    o.set(field, Json.mapper().valueToTree(items));
    return o;
  }
}
