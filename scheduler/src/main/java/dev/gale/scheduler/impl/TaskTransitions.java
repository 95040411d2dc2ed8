package dev.gale.scheduler.impl;

import static dev.gale.api.TaskState.CANCELLED;
import static dev.gale.api.TaskState.FAILED;
import static dev.gale.api.TaskState.QUEUED;
import static dev.gale.api.TaskState.RUNNING;
import static dev.gale.api.TaskState.SUCCEEDED;
import static dev.gale.api.TaskState.WAITING;

import dev.gale.api.TaskState;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one table of allowed task state changes. Every change of a stored task goes through {@link
 * #allowed}; entry processors apply it inside the owning partition, so concurrent updates cannot
 * leave a task in a state the table does not permit.
 *
 * <pre>
 * waiting ──▶ queued ──▶ running ──▶ succeeded
 *    │          │  ▲        │  └───▶ failed
 *    │          │  └────────┘ (retry, worker lost)
 *    └──────────┴───────────┴──────▶ cancelled
 * waiting ──▶ failed (dependency failed)
 * </pre>
 */
public final class TaskTransitions {
  private static final Map<TaskState, Set<TaskState>> ALLOWED = new EnumMap<>(TaskState.class);

  static {
    ALLOWED.put(WAITING, EnumSet.of(QUEUED, FAILED, CANCELLED));
    ALLOWED.put(QUEUED, EnumSet.of(RUNNING, CANCELLED));
    ALLOWED.put(RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, QUEUED));
    ALLOWED.put(SUCCEEDED, EnumSet.noneOf(TaskState.class));
    ALLOWED.put(FAILED, EnumSet.noneOf(TaskState.class));
    ALLOWED.put(CANCELLED, EnumSet.noneOf(TaskState.class));
  }

  private TaskTransitions() {}

  /** Whether a task in state {@code from} may move to {@code to}. */
  public static boolean allowed(TaskState from, TaskState to) {
    return ALLOWED.get(from).contains(to);
  }

  /** The states reachable in one step from {@code from}. */
  public static Set<TaskState> targets(TaskState from) {
    return java.util.Collections.unmodifiableSet(ALLOWED.get(from));
  }
}
