package dev.gale.api.protocol;

import java.util.List;
import java.util.Map;

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
 * @param held the attempts it holds from earlier connections (queued, running, or finished with a
 *     result not yet acknowledged), task id → attempt; the gateway gives back every other attempt
 *     the scheduler has on this worker, which was lost in flight. Null or empty on a first
 *     connection.
 */
public record Hello(
    String workerId,
    String pool,
    String node,
    int slots,
    int prefetch,
    List<String> kinds,
    String version,
    Map<String, Integer> held)
    implements WorkerMessage {}
