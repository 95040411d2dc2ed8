package dev.gale.runtime.impl;

import dev.gale.api.protocol.TaskAssignment;
import dev.gale.runtime.spi.Cancellation;

/** One assigned attempt on this worker. State fields are guarded by the engine's lock. */
final class Job {
  enum State {
    QUEUED,
    RUNNING,
    DONE,
    ABANDONED
  }

  final TaskAssignment task;
  final FunctionEntry function;
  final Cancellation cancellation = new Cancellation();
  State state = State.QUEUED;
  SlotThread slot;
  boolean superseded;

  Job(TaskAssignment task, FunctionEntry function) {
    this.task = task;
    this.function = function;
  }

  String taskId() {
    return task.taskId();
  }

  int attempt() {
    return task.attempt();
  }
}
