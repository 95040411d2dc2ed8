package dev.gale.api.protocol;

/** Take no new tasks, finish the running ones, send their results, then disconnect and exit. */
public record Drain() implements WorkerMessage {}
