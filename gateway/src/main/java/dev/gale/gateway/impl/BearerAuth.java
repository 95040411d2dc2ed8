package dev.gale.gateway.impl;

import dev.gale.api.TokenRecord;
import dev.gale.api.UnauthorizedException;
import dev.gale.gateway.auth.TokenService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;

/**
 * Resolves an {@code Authorization: Bearer <secret>} header to its token without blocking the event
 * loop: a malformed header fails at once, a cached token answers at once, anything else is verified
 * with {@code executeBlocking}.
 */
final class BearerAuth {
  private final Vertx vertx;
  private final TokenService tokens;

  BearerAuth(Vertx vertx, TokenService tokens) {
    this.vertx = vertx;
    this.tokens = tokens;
  }

  /**
   * The token behind the header.
   *
   * @return fails with {@link UnauthorizedException} for a missing, malformed or unknown token
   */
  Future<TokenRecord> resolve(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(
          new UnauthorizedException("missing bearer token (Authorization: Bearer <token>)"));
    }
    String secret = authorization.substring(7).trim();
    if (!TokenService.wellFormed(secret)) {
      return Future.failedFuture(new UnauthorizedException("unknown token"));
    }
    Optional<TokenRecord> hit = tokens.cached(secret);
    if (hit.isPresent()) {
      return Future.succeededFuture(hit.get());
    }
    return vertx
        .executeBlocking(() -> tokens.verify(secret), false)
        .compose(
            t ->
                t.isPresent()
                    ? Future.succeededFuture(t.get())
                    : Future.failedFuture(new UnauthorizedException("unknown token")));
  }
}
