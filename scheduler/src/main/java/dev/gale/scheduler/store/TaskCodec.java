package dev.gale.scheduler.store;

import dev.gale.api.TaskState;

/**
 * The codec of the task map: besides the bytes, it exposes the columns the store indexes so that a
 * start loads only the tasks that are not finished, plus recently finished ones, and so that
 * finished tasks that left the cluster's memory can be listed (tenant, function, creation time) and
 * deleted after their retention ({@code finished_at}).
 *
 * @param <V> the task record type
 */
public interface TaskCodec<V> extends RecordCodec<V> {

  /** The task's state. */
  TaskState state(V value);

  /** When the task reached a terminal state (epoch millis), or 0 while it has not. */
  long finishedAt(V value);

  /** The tenant the task belongs to. */
  String tenant(V value);

  /** The id of the task's function. */
  String functionId(V value);

  /** When the task was submitted (epoch millis). */
  long createdAt(V value);
}
