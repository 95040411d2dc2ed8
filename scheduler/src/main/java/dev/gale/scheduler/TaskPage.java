package dev.gale.scheduler;

import dev.gale.api.Task;
import java.util.List;

/**
 * One page of tasks, newest first.
 *
 * @param tasks the tasks
 * @param nextCursor pass to get the next page; null when this is the last
 */
public record TaskPage(List<Task> tasks, String nextCursor) {}
