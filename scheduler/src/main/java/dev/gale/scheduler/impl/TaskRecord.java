package dev.gale.scheduler.impl;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.gale.api.ErrorInfo;
import dev.gale.api.Json;
import dev.gale.api.RawJson;
import dev.gale.api.Task;
import dev.gale.api.TaskState;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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
        worker);
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
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    id = in.readString();
    tenant = in.readString();
    functionId = in.readString();
    functionName = in.readString();
    kind = in.readString();
    pool = in.readString();
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
    worker = in.readString();
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
