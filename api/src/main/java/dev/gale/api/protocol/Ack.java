package dev.gale.api.protocol;

import java.util.List;

/** The results of these tasks are recorded (or discarded as stale); the worker may forget them. */
public record Ack(List<String> taskIds) implements WorkerMessage {}
