package dev.gale.cli.commands;

import dev.gale.api.Task;
import dev.gale.api.TaskState;
import dev.gale.client.GaleClient;
import java.time.Duration;
import java.util.List;

/** Long-polls until tasks are terminal, in steps the gateway accepts. */
final class TaskWaits {
  /** Longest single long-poll; the gateway caps waits (60 s by default). */
  static final int STEP_SECONDS = 30;

  private TaskWaits() {}

  /**
   * Waits for one task.
   *
   * @param task the task as last seen
   * @param seconds total wait, or null for no bound
   */
  static Task await(GaleClient client, Task task, Integer seconds) {
    long deadline =
        seconds == null
            ? Long.MAX_VALUE
            : System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    Task t = task;
    while (!isTerminal(t)) {
      int step = step(deadline);
      if (step <= 0) {
        break;
      }
      t = client.getTask(t.id(), step);
    }
    return t;
  }

  /** Seconds for the next poll: at most {@link #STEP_SECONDS}, 0 once the deadline passed. */
  static int step(long deadlineNanos) {
    if (deadlineNanos == Long.MAX_VALUE) {
      return STEP_SECONDS;
    }
    long left = (long) Math.ceil((deadlineNanos - System.nanoTime()) / 1e9);
    return (int) Math.max(0, Math.min(STEP_SECONDS, left));
  }

  static boolean isTerminal(Task t) {
    return t.state() != null && t.state().isTerminal();
  }

  /** True when every task ended and none failed or was cancelled. */
  static boolean allSucceeded(List<Task> tasks) {
    return tasks.stream().allMatch(t -> t.state() == TaskState.SUCCEEDED);
  }
}
