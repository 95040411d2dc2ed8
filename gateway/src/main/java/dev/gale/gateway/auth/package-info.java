/**
 * Bearer tokens: {@link dev.gale.gateway.auth.TokenService} mints secrets, stores only their
 * SHA-256, and verifies them with a short cache.
 *
 * <pre>
 *  mint(tenant, role, pool) ─▶ "gale_" + 43 base64url chars ─▶ sha256 hex ─▶ Scheduler.putToken
 *  verify(secret) ─▶ sha256 hex ─▶ cache (60 s) ─miss─▶ Scheduler.findToken ─▶ TokenRecord
 * </pre>
 */
package dev.gale.gateway.auth;
