package dev.gale.client;

import dev.gale.api.Role;

/**
 * A newly minted token. The secret is shown only once, here.
 *
 * @param token the bearer secret
 * @param tenant the tenant it acts for
 * @param role what it may do
 * @param pool for a worker token, the pool it may serve, or null
 */
public record CreatedToken(String token, String tenant, Role role, String pool) {}
