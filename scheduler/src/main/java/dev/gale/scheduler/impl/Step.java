package dev.gale.scheduler.impl;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;

/** What an entry processor did to one task, returned to the caller. */
final class Step implements IdentifiedDataSerializable {
  /** The change made. */
  enum Kind {
    /** Queued → running under a worker. */
    DISPATCHED,
    /** Back to the ready queue for another attempt. */
    REQUEUED,
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

  Step() {}

  static Step of(Kind kind, TaskRecord r) {
    Step s = new Step();
    s.kind = kind;
    if (r != null) {
      s.attempt = r.attempts;
      s.pool = r.pool;
      s.priority = r.priority;
      s.worker = r.worker;
    }
    return s;
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
  }
}
