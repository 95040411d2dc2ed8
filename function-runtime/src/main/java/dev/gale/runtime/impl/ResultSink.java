package dev.gale.runtime.impl;

import dev.gale.api.protocol.TaskResult;

/** Where finished attempts go. Called on slot threads and the event loop; must not block. */
interface ResultSink {
  /**
   * Takes one result.
   *
   * @param urgent true when nothing else is queued or running, so batching would only add latency
   */
  void publish(TaskResult result, boolean urgent);
}
