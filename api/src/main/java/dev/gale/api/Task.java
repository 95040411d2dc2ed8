package dev.gale.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;

/**
 * A task as clients see it ({@code GET /v1/tasks/{id}}).
 *
 * @param id server-assigned id
 * @param tenant the tenant that submitted it
 * @param function the function's id
 * @param functionName the function's name at submission
 * @param kind the function's kind
 * @param pool the pool it runs in
 * @param priority higher runs first within a pool
 * @param state current state
 * @param attempts attempts started so far (0 while never dispatched)
 * @param result the JSON result once succeeded (or the shell result of a failed shell task is in
 *     {@code error.details})
 * @param error why it failed or was cancelled, or null
 * @param attemptErrors the errors of earlier attempts that were retried, oldest first
 * @param createdAt when it was accepted
 * @param startedAt when its latest attempt started, or null
 * @param finishedAt when it reached a terminal state, or null
 * @param worker the worker running or having run the latest attempt, or null
 * @param dependsOn ids of the tasks whose results this one receives, or null for none
 * @param cached true when the result came from the function's cache without running; else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Task(
    String id,
    String tenant,
    String function,
    String functionName,
    String kind,
    String pool,
    int priority,
    TaskState state,
    int attempts,
    RawJson result,
    ErrorInfo error,
    List<ErrorInfo> attemptErrors,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    String worker,
    List<String> dependsOn,
    Boolean cached)
    implements Serializable {}
