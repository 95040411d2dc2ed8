package dev.gale.scheduler;

import java.time.Instant;

/**
 * A time-bound claim on a name ("the scaler loop of pool gpu", "the orphan sweep"), held by one
 * process at a time. Built on a map entry changed only by entry processors (the open-source
 * Hazelcast has no CP subsystem). Each new holder gets a larger {@code fence}; work done under a
 * lease carries its fence so that a holder whose lease expired while it was paused is recognised as
 * stale and refused.
 *
 * @param name what the lease is for
 * @param holder who holds it
 * @param fence the fencing token: grows by one each time the lease changes hands
 * @param expiresAt when it lapses unless renewed
 */
public record Lease(String name, String holder, long fence, Instant expiresAt) {}
