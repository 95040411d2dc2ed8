package dev.gale.transfer.copy;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gale.api.ErrorInfo;
import java.time.Instant;

/**
 * A snapshot of one transfer, in the shape {@code GET /v1/transfers/{id}} serves (with {@link
 * dev.gale.api.Json}). URLs are redacted: no credentials, query or fragment.
 *
 * @param id the transfer's id
 * @param source the redacted source URL
 * @param destination the redacted destination URL
 * @param recursive whether a whole directory or prefix is copied
 * @param state where it is in its life cycle
 * @param bytesDone bytes copied so far (of a file in flight, the bytes received; approximate)
 * @param bytesTotal bytes to copy, or -1 while unknown
 * @param filesDone files completely copied
 * @param filesTotal files to copy, or -1 while unknown
 * @param bytesPerSecond average rate since it started (0 before)
 * @param error why it failed or was cancelled, or null
 * @param createdAt when it was submitted
 * @param startedAt when copying began, or null
 * @param finishedAt when it reached a terminal state, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransferJob(
    String id,
    String source,
    String destination,
    boolean recursive,
    TransferState state,
    long bytesDone,
    long bytesTotal,
    long filesDone,
    long filesTotal,
    double bytesPerSecond,
    ErrorInfo error,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt) {}
