package dev.gale.scheduler;

import dev.gale.api.TaskState;

/**
 * A page request for {@link Scheduler#listTasks}.
 *
 * @param tenant only this tenant's tasks (never null)
 * @param state only tasks in this state, or null
 * @param function only tasks of this function id, or null
 * @param limit page size, 1..1000
 * @param cursor the {@code nextCursor} of the previous page, or null for the first
 */
public record TaskQuery(
    String tenant, TaskState state, String function, int limit, String cursor) {}
