package dev.gale.scheduler;

import dev.gale.api.RawJson;

/**
 * A task handed to a worker: it is now {@code running} under that worker with this attempt.
 *
 * @param workerId the worker it was handed to
 * @param taskId task id
 * @param attempt the attempt number; the worker must echo it in the result
 * @param functionId the function to run (look it up with {@link Scheduler#getFunction})
 * @param args the args object
 */
public record Dispatch(
    String workerId, String taskId, int attempt, String functionId, RawJson args) {}
