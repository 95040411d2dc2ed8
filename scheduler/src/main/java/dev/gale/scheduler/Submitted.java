package dev.gale.scheduler;

import dev.gale.api.Task;

/**
 * What {@link Scheduler#submitTo} did with a task.
 *
 * @param task the new task as stored
 * @param dispatch its first attempt, already marked running under the worker asked for, which the
 *     caller must now deliver to that worker (or report lost); null when the task went the ordinary
 *     way (queued, waiting for upstream tasks, or answered from the cache)
 */
public record Submitted(Task task, Dispatch dispatch) {}
