package dev.gale.api;

import java.io.Serializable;
import java.time.Instant;

/**
 * A stored token. Only the SHA-256 of the secret is kept; the secret itself is shown once, when it
 * is minted.
 *
 * @param hash hex SHA-256 of the bearer secret
 * @param tenant the tenant it acts for
 * @param role what it may do
 * @param pool for worker tokens, the only pool it may serve, or null for any
 * @param createdAt when it was minted
 */
public record TokenRecord(String hash, String tenant, Role role, String pool, Instant createdAt)
    implements Serializable {}
