package dev.gale.gateway.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.ForbiddenException;
import dev.gale.api.Json;
import dev.gale.api.Role;
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
