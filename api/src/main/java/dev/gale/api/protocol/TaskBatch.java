package dev.gale.api.protocol;

import java.util.List;

/**
 * Tasks for a worker. Each function used by {@code tasks} appears once in {@code functions}.
 *
 * @param functions the functions the tasks use
 * @param tasks the tasks, never more than the worker's free credit
 */
public record TaskBatch(List<FunctionSpec> functions, List<TaskAssignment> tasks)
    implements WorkerMessage {}
