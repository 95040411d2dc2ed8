package dev.gale.api.protocol;

import java.util.List;

/**
 * First message of a worker after connecting.
 *
 * @param workerId an id the agent chose at start and keeps across reconnects
 * @param pool the pool it serves
 * @param node host or pod name
 * @param slots tasks it runs at once
 * @param prefetch extra tasks it accepts beyond its slots so that slots never wait for a round trip
 * @param kinds function kinds it can run ({@code shell}, {@code python}, {@code java})
 * @param version the agent's version
 */
public record Hello(
    String workerId,
    String pool,
    String node,
    int slots,
    int prefetch,
    List<String> kinds,
    String version)
    implements WorkerMessage {}
