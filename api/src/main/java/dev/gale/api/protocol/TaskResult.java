package dev.gale.api.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gale.api.ErrorInfo;
import dev.gale.api.RawJson;
import java.time.Instant;

/**
 * The outcome of one attempt.
 *
 * @param taskId task id
 * @param attempt the attempt from the assignment
 * @param ok true when the function succeeded
 * @param result the JSON result when ok (shell: {@code {exitCode, stdout, stderr, truncated}})
 * @param error why it failed when not ok; codes: {@code nonzero_exit}, {@code exception}, {@code
 *     timeout}, {@code cancelled}, {@code result_too_large}, {@code invalid_function}, {@code
 *     runtime_unavailable}
 * @param startedAt when the attempt started on the worker
 * @param finishedAt when it ended
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskResult(
    String taskId,
    int attempt,
    boolean ok,
    RawJson result,
    ErrorInfo error,
    Instant startedAt,
    Instant finishedAt) {}
