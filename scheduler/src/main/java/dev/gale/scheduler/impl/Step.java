package dev.gale.scheduler.impl;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.gale.api.ErrorInfo;
import dev.gale.api.TaskState;
import java.io.IOException;
import java.util.List;

/** What an entry processor did to one task, returned to the caller. */
final class Step implements IdentifiedDataSerializable {
  /** The change made. */
  enum Kind {
    /** Queued → running under a worker. */
    DISPATCHED,
    /** Back to the ready queue for another attempt. */
    REQUEUED,
    /** Waiting → queued: every upstream task succeeded; to be put on the ready queue. */
    RELEASED,
    /** Reached a terminal state. */
    TERMINAL,
    /** Cancelled while running: the worker must be told. */
    CANCELLED_RUNNING,
    /** Nothing changed: the event was stale or not allowed by the transition table. */
    DISCARDED,
    /** The task is already terminal (for cancel). */
    ALREADY_TERMINAL
  }

  Kind kind;
  int attempt;
  String functionId;
  String args;
  String pool;
  int priority;
  String worker;

  /** The task's state after the step. */
  TaskState state;

  /** For an ended task: its result, when dependents or the cache need it. */
  String result;

  /** For an ended task: its error. */
  ErrorInfo error;

  /** For an ended task: the downstream tasks to release, or null. */
  List<String> dependents;

  /** For a succeeded task: where to cache its result, or null. */
  String cacheKey;

  Step() {}

  static Step of(Kind kind, TaskRecord r) {
    Step s = new Step();
    s.kind = kind;
    if (r != null) {
      s.attempt = r.attempts;
      s.pool = r.pool;
      s.priority = r.priority;
      s.worker = r.worker;
      s.state = r.state;
    }
    return s;
  }

  /**
   * A step that ended the task: hands out its dependents (dropping them from the record, which no
   * longer needs them) and, when dependents or the cache need it, its result.
   */
  static Step ended(Kind kind, TaskRecord r) {
    Step s = of(kind, r);
    s.error = r.error;
    s.dependents = r.dependents;
    r.dependents = null;
    if (r.state == TaskState.SUCCEEDED && (s.dependents != null || r.cacheKey != null)) {
      s.result = r.result;
      s.cacheKey = r.cached ? null : r.cacheKey;
    }
    return s;
  }

  /** True when the step ended the task. */
  boolean ended() {
    return kind == Kind.TERMINAL || kind == Kind.CANCELLED_RUNNING;
  }

  @Override
  public int getFactoryId() {
    return SchedulerSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return SchedulerSerialization.STEP;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeByte(kind.ordinal());
    out.writeInt(attempt);
    out.writeString(functionId);
    out.writeString(args);
    out.writeString(pool);
    out.writeInt(priority);
    out.writeString(worker);
    out.writeByte(state == null ? -1 : state.ordinal());
    out.writeString(result);
    TaskRecord.writeError(out, error);
    TaskRecord.writeStrings(out, dependents);
    out.writeString(cacheKey);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    kind = Kind.values()[in.readByte()];
    attempt = in.readInt();
    functionId = in.readString();
    args = in.readString();
    pool = in.readString();
    priority = in.readInt();
    worker = in.readString();
    byte st = in.readByte();
    state = st < 0 ? null : TaskState.values()[st];
    result = in.readString();
    error = TaskRecord.readError(in);
    dependents = TaskRecord.readStrings(in);
    cacheKey = in.readString();
  }
}
