package dev.gale.client;

import dev.gale.api.Task;
import java.util.List;

/**
 * One page of {@code GET /v1/tasks}, newest first.
 *
 * @param tasks the tasks
 * @param nextCursor pass to {@link GaleClient#listTasks} for the next page; null on the last one
 */
public record TaskList(List<Task> tasks, String nextCursor) {
  public TaskList {
    tasks = List.copyOf(tasks);
  }
}
