package dev.gale.scheduler;

import dev.gale.api.ErrorInfo;
import dev.gale.api.RawJson;
import java.time.Instant;

/**
 * The end of one attempt, as reported by the worker that ran it or decided by the gateway.
 *
 * @param taskId task id
 * @param attempt the attempt it belongs to; an outcome for any other attempt is discarded
 * @param workerId the reporting worker
 * @param ok whether the attempt succeeded
 * @param result the JSON result when ok
 * @param error the error when not ok
 * @param startedAt when the attempt started, or null
 * @param finishedAt when it ended
 */
public record Outcome(
    String taskId,
    int attempt,
    String workerId,
    boolean ok,
    RawJson result,
    ErrorInfo error,
    Instant startedAt,
    Instant finishedAt) {}
