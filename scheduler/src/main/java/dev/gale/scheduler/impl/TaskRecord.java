package dev.gale.scheduler.impl;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.gale.api.ErrorInfo;
import dev.gale.api.Json;
import dev.gale.api.RawJson;
import dev.gale.api.RetryOn;
import dev.gale.api.Task;
import dev.gale.api.TaskState;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A task as stored in the {@code gale.tasks} map (object in-memory format). Mutated only inside
 * entry processors, through {@link #moveTo}, which enforces {@link TaskTransitions}.
 */
public final class TaskRecord implements IdentifiedDataSerializable {
  String id;
  String tenant;
  String functionId;
  String functionName;
  String kind;
  String pool;
  int priority;
  TaskState state;
  int attempts;
  int maxRetries;
  String args;
  String result;
  ErrorInfo error;
  List<ErrorInfo> attemptErrors;
  long createdAt;
  long startedAt;
  long finishedAt;
  String worker;

  /** Upstream task ids whose results this task receives; null for none. */
  List<String> deps;

  /** Results of upstream tasks that succeeded, while this task waits for the rest. */
  Map<String, String> depResults;

  /** Downstream task ids to release when this task ends; handed out (and dropped) then. */
  List<String> dependents;

  /** The failure kinds that are retried, as a {@link dev.gale.api.RetryOn#mask} bit mask. */
  int retryMask = RetryOn.mask(null);

  /** Whether the function caches results. */
  boolean cache;

  /** The result-cache key, once the args are final; null when the function does not cache. */
  String cacheKey;

  /** Whether the result came from the cache. */
  boolean cached;

  public TaskRecord() {}

  /**
   * Moves to {@code to} if the transition table allows it.
   *
   * @return false (and no change) when it does not
   */
  boolean moveTo(TaskState to) {
    if (!TaskTransitions.allowed(state, to)) {
      return false;
    }
    state = to;
    return true;
  }

  /** The public view. */
  Task toTask() {
    return new Task(
        id,
        tenant,
        functionId,
        functionName,
        kind,
        pool,
        priority,
        state,
        attempts,
        result == null ? null : RawJson.of(result),
        error,
        attemptErrors == null || attemptErrors.isEmpty() ? null : List.copyOf(attemptErrors),
        Instant.ofEpochMilli(createdAt),
        startedAt == 0 ? null : Instant.ofEpochMilli(startedAt),
        finishedAt == 0 ? null : Instant.ofEpochMilli(finishedAt),
        worker,
        deps == null ? null : List.copyOf(deps),
        cached ? Boolean.TRUE : null);
  }

  TaskState state() {
    return state;
  }

  @Override
  public int getFactoryId() {
    return SchedulerSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return SchedulerSerialization.TASK_RECORD;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(id);
    out.writeString(tenant);
    out.writeString(functionId);
    out.writeString(functionName);
    out.writeString(kind);
    out.writeString(pool);
    out.writeInt(priority);
    out.writeByte(state.ordinal());
    out.writeInt(attempts);
    out.writeInt(maxRetries);
    out.writeString(args);
    out.writeString(result);
    writeError(out, error);
    int n = attemptErrors == null ? 0 : attemptErrors.size();
    out.writeInt(n);
    for (int i = 0; i < n; i++) {
      writeError(out, attemptErrors.get(i));
    }
    out.writeLong(createdAt);
    out.writeLong(startedAt);
    out.writeLong(finishedAt);
    out.writeString(worker);
    writeStrings(out, deps);
    out.writeInt(depResults == null ? -1 : depResults.size());
    if (depResults != null) {
      for (var e : depResults.entrySet()) {
        out.writeString(e.getKey());
        out.writeString(e.getValue());
      }
    }
    writeStrings(out, dependents);
    out.writeInt(retryMask);
    out.writeBoolean(cache);
    out.writeString(cacheKey);
    out.writeBoolean(cached);
  }

  static void writeStrings(ObjectDataOutput out, List<String> list) throws IOException {
    out.writeInt(list == null ? -1 : list.size());
    if (list != null) {
      for (String v : list) {
        out.writeString(v);
      }
    }
  }

  static List<String> readStrings(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    List<String> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(in.readString());
    }
    return list;
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    id = in.readString();
    tenant = SharedStrings.of(in.readString());
    functionId = SharedStrings.of(in.readString());
    functionName = SharedStrings.of(in.readString());
    kind = SharedStrings.of(in.readString());
    pool = SharedStrings.of(in.readString());
    priority = in.readInt();
    state = TaskState.values()[in.readByte()];
    attempts = in.readInt();
    maxRetries = in.readInt();
    args = in.readString();
    result = in.readString();
    error = readError(in);
    int n = in.readInt();
    if (n > 0) {
      attemptErrors = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        attemptErrors.add(readError(in));
      }
    }
    createdAt = in.readLong();
    startedAt = in.readLong();
    finishedAt = in.readLong();
    worker = SharedStrings.of(in.readString());
    deps = readStrings(in);
    int n2 = in.readInt();
    if (n2 >= 0) {
      depResults = new HashMap<>(n2 * 2);
      for (int i = 0; i < n2; i++) {
        depResults.put(in.readString(), in.readString());
      }
    }
    dependents = readStrings(in);
    retryMask = in.readInt();
    cache = in.readBoolean();
    cacheKey = in.readString();
    cached = in.readBoolean();
  }

  static void writeError(ObjectDataOutput out, ErrorInfo e) throws IOException {
    out.writeBoolean(e != null);
    if (e != null) {
      out.writeString(e.code());
      out.writeString(e.message());
      out.writeString(e.details() == null ? null : e.details().toString());
    }
  }

  static ErrorInfo readError(ObjectDataInput in) throws IOException {
    if (!in.readBoolean()) {
      return null;
    }
    String code = in.readString();
    String message = in.readString();
    String details = in.readString();
    return new ErrorInfo(code, message, details == null ? null : Json.readTree(details));
  }
}
