package dev.gale.api.protocol;

import java.util.List;

/**
 * Sent by the worker every {@code heartbeatSeconds}.
 *
 * @param running ids of tasks it is running now
 */
public record Heartbeat(List<String> running) implements WorkerMessage {}
