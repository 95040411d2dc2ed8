package dev.gale.api.protocol;

import java.util.List;

/** Results of finished attempts; each frees one credit. */
public record ResultBatch(List<TaskResult> results) implements WorkerMessage {}
