package dev.gale.api.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A message of the worker protocol: JSON text frames over the WebSocket {@code GET
 * /v1/workers/connect}, one message per frame, discriminated by {@code "type"}.
 *
 * <pre>
 * worker                                   gateway
 *   ── hello {workerId, pool, slots, prefetch} ─▶
 *   ◀─ welcome {heartbeatSeconds, limits} ──
 *   ◀─ tasks {functions, tasks}  (at most the credit: slots + prefetch − unfinished)
 *   ── results {results}  (each result frees one credit) ─▶
 *   ◀─ ack {taskIds}  (results recorded; the worker may forget them)
 *   ── heartbeat {running} ─▶   (every heartbeatSeconds; missing 3 = worker lost)
 *   ◀─ cancel {taskIds}           ◀─ drain {}   ── artifactRequest / ◀─ artifact
 * </pre>
 *
 * A worker keeps results until they are acknowledged and sends them again after reconnecting; the
 * gateway discards results whose attempt is not the task's current one.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Hello.class, name = "hello"),
  @JsonSubTypes.Type(value = Welcome.class, name = "welcome"),
  @JsonSubTypes.Type(value = TaskBatch.class, name = "tasks"),
  @JsonSubTypes.Type(value = ResultBatch.class, name = "results"),
  @JsonSubTypes.Type(value = Ack.class, name = "ack"),
  @JsonSubTypes.Type(value = Heartbeat.class, name = "heartbeat"),
  @JsonSubTypes.Type(value = Cancel.class, name = "cancel"),
  @JsonSubTypes.Type(value = Drain.class, name = "drain"),
  @JsonSubTypes.Type(value = ArtifactRequest.class, name = "artifactRequest"),
  @JsonSubTypes.Type(value = Artifact.class, name = "artifact"),
  @JsonSubTypes.Type(value = ProtocolError.class, name = "error"),
})
public sealed interface WorkerMessage
    permits Hello,
        Welcome,
        TaskBatch,
        ResultBatch,
        Ack,
        Heartbeat,
        Cancel,
        Drain,
        ArtifactRequest,
        Artifact,
        ProtocolError {}
