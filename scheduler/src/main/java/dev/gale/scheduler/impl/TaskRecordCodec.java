package dev.gale.scheduler.impl;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.gale.api.ErrorInfo;
import dev.gale.api.Json;
import dev.gale.api.TaskState;
import dev.gale.scheduler.store.StoreException;
import dev.gale.scheduler.store.TaskCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every field of a {@link TaskRecord} as one JSON object, for the task table. The one place that
 * knows the stored shape of a task: a field added to {@code TaskRecord} must be added here too
 * ({@code TaskRecordCodecTest} fails until it is). {@code args} and {@code result} are kept as
 * their exact JSON text.
 *
 * <p>Records are changed in place by entry processors while the store may be encoding them, so each
 * field is read once and the attempt errors are copied before they are written; see {@link
 * dev.gale.scheduler.store.RecordCodec#encode}.
 */
public final class TaskRecordCodec implements TaskCodec<TaskRecord> {
  /** Version of the stored shape; bumped when a field changes meaning. */
  static final int VERSION = 1;

  @Override
  public byte[] encode(TaskRecord r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("v", VERSION);
      g.writeStringField("id", r.id);
      g.writeStringField("tenant", r.tenant);
      g.writeStringField("functionId", r.functionId);
      g.writeStringField("functionName", r.functionName);
      g.writeStringField("kind", r.kind);
      g.writeStringField("pool", r.pool);
      g.writeNumberField("priority", r.priority);
      TaskState state = r.state;
      g.writeStringField("state", state == null ? null : state.wireName());
      g.writeNumberField("attempts", r.attempts);
      g.writeNumberField("maxRetries", r.maxRetries);
      g.writeStringField("args", r.args);
      g.writeStringField("result", r.result);
      writeError(g, "error", r.error);
      List<ErrorInfo> attemptErrors = r.attemptErrors;
      if (attemptErrors != null) {
        g.writeArrayFieldStart("attemptErrors");
        for (Object e : attemptErrors.toArray()) {
          if (e != null) {
            writeError(g, null, (ErrorInfo) e);
          }
        }
        g.writeEndArray();
      }
      g.writeNumberField("createdAt", r.createdAt);
      g.writeNumberField("startedAt", r.startedAt);
      g.writeNumberField("finishedAt", r.finishedAt);
      g.writeStringField("worker", r.worker);
      writeStrings(g, "deps", r.deps);
      Map<String, String> depResults = r.depResults;
      if (depResults != null) {
        g.writeObjectFieldStart("depResults");
        for (Object o : depResults.entrySet().toArray()) {
          @SuppressWarnings("unchecked")
          Map.Entry<String, String> e = (Map.Entry<String, String>) o;
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      writeStrings(g, "dependents", r.dependents);
      g.writeNumberField("retryMask", r.retryMask);
      g.writeBooleanField("cache", r.cache);
      g.writeStringField("cacheKey", r.cacheKey);
      g.writeBooleanField("cached", r.cached);
      g.writeEndObject();
    } catch (IOException e) {
      throw new StoreException("cannot encode task " + r.id + ": " + e, e);
    }
    return out.toByteArray();
  }

  private static void writeStrings(JsonGenerator g, String field, List<String> list)
      throws IOException {
    if (list == null) {
      return;
    }
    g.writeArrayFieldStart(field);
    for (Object v : list.toArray()) {
      g.writeString((String) v);
    }
    g.writeEndArray();
  }

  private static List<String> readStrings(JsonNode n) {
    if (!(n instanceof ArrayNode a)) {
      return null;
    }
    List<String> out = new ArrayList<>(a.size());
    a.forEach(v -> out.add(v.asText()));
    return out;
  }

  private static void writeError(JsonGenerator g, String field, ErrorInfo e) throws IOException {
    if (e == null) {
      return;
    }
    if (field != null) {
      g.writeFieldName(field);
    }
    g.writeStartObject();
    g.writeStringField("code", e.code());
    g.writeStringField("message", e.message());
    if (e.details() != null) {
      g.writeFieldName("details");
      g.writeTree(e.details());
    }
    g.writeEndObject();
  }

  @Override
  public TaskRecord decode(byte[] bytes) {
    JsonNode n;
    try {
      n = Json.mapper().readTree(bytes);
    } catch (IOException e) {
      throw new StoreException("a stored task is not JSON: " + e.getMessage(), e);
    }
    if (n == null || !n.isObject() || n.path("v").asInt() != VERSION) {
      throw new StoreException(
          "a stored task has an unknown shape (version "
              + (n == null ? "none" : n.path("v").asText("none"))
              + ", this Gale reads "
              + VERSION
              + ")",
          null);
    }
    TaskRecord r = new TaskRecord();
    r.id = text(n, "id");
    r.tenant = SharedStrings.of(text(n, "tenant"));
    r.functionId = SharedStrings.of(text(n, "functionId"));
    r.functionName = SharedStrings.of(text(n, "functionName"));
    r.kind = SharedStrings.of(text(n, "kind"));
    r.pool = SharedStrings.of(text(n, "pool"));
    r.priority = n.path("priority").asInt();
    String state = text(n, "state");
    r.state = state == null ? null : TaskState.fromWire(state);
    r.attempts = n.path("attempts").asInt();
    r.maxRetries = n.path("maxRetries").asInt();
    r.args = text(n, "args");
    r.result = text(n, "result");
    r.error = readError(n.get("error"));
    JsonNode errors = n.get("attemptErrors");
    if (errors instanceof ArrayNode a) {
      r.attemptErrors = new ArrayList<>(Math.max(2, a.size()));
      for (JsonNode e : a) {
        r.attemptErrors.add(readError(e));
      }
    }
    r.createdAt = n.path("createdAt").asLong();
    r.startedAt = n.path("startedAt").asLong();
    r.finishedAt = n.path("finishedAt").asLong();
    r.worker = SharedStrings.of(text(n, "worker"));
    r.deps = readStrings(n.get("deps"));
    JsonNode depResults = n.get("depResults");
    if (depResults != null && depResults.isObject()) {
      r.depResults = new java.util.HashMap<>();
      depResults
          .fields()
          .forEachRemaining(e -> r.depResults.put(e.getKey(), e.getValue().asText()));
    }
    r.dependents = readStrings(n.get("dependents"));
    JsonNode mask = n.get("retryMask");
    r.retryMask = mask == null ? dev.gale.api.RetryOn.mask(null) : mask.asInt();
    r.cache = n.path("cache").asBoolean();
    r.cacheKey = text(n, "cacheKey");
    r.cached = n.path("cached").asBoolean();
    return r;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static ErrorInfo readError(JsonNode e) {
    if (e == null || e.isNull()) {
      return null;
    }
    JsonNode details = e.get("details");
    return new ErrorInfo(
        text(e, "code"), text(e, "message"), details == null || details.isNull() ? null : details);
  }

  @Override
  public TaskState state(TaskRecord r) {
    return r.state;
  }

  @Override
  public long finishedAt(TaskRecord r) {
    return r.finishedAt;
  }

  @Override
  public String tenant(TaskRecord r) {
    return r.tenant;
  }

  @Override
  public String functionId(TaskRecord r) {
    return r.functionId;
  }

  @Override
  public long createdAt(TaskRecord r) {
    return r.createdAt;
  }
}
