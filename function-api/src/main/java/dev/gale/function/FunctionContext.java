package dev.gale.function;

import java.nio.file.Path;

/** What a running function may know about its attempt. */
public interface FunctionContext {

  /** The task's id. */
  String taskId();

  /** The attempt number, starting at 1. */
  int attempt();

  /** A private working directory for this attempt; deleted after the attempt ends. */
  Path workDir();

  /**
   * True once the task was cancelled or timed out. Long-running functions should check this and
   * return early; the runtime also interrupts the calling thread.
   */
  boolean isCancelled();
}
