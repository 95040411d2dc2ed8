package dev.gale.runtime.impl;

import dev.gale.api.protocol.TaskResult;

/** Where finished attempts go. Called on slot threads and the event loop; must not block. */
interface ResultSink {
  /**
   * Takes one result.
   *
   * @param urgent true when batching would only add latency or starve a slot: nothing else is
   *     queued or running, or fewer tasks are queued than there are slots
   */
  void publish(TaskResult result, boolean urgent);
}
