package dev.gale.api.protocol;

import dev.gale.api.RawJson;

/**
 * One task for a worker to run.
 *
 * @param taskId task id
 * @param attempt attempt number (fencing token: echo it in the result)
 * @param function id of a function in the same batch's {@code functions}
 * @param args the invocation's args object
 */
public record TaskAssignment(String taskId, int attempt, String function, RawJson args) {}
