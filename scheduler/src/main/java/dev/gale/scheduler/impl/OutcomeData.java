package dev.gale.scheduler.impl;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.gale.api.ErrorInfo;
import dev.gale.scheduler.Outcome;
import java.io.IOException;

/** The serializable form of an {@link Outcome}, carried by {@link Processors.Complete}. */
final class OutcomeData implements IdentifiedDataSerializable {
  int attempt;
  String worker;
  boolean ok;
  String result;
  ErrorInfo error;
  long startedAt;
  long finishedAt;

  OutcomeData() {}

  static OutcomeData of(Outcome o, long now) {
    OutcomeData d = new OutcomeData();
    d.attempt = o.attempt();
    d.worker = o.workerId();
    d.ok = o.ok();
    d.result = o.result() == null ? null : o.result().json();
    d.error = o.error();
    d.startedAt = o.startedAt() == null ? 0 : o.startedAt().toEpochMilli();
    d.finishedAt = o.finishedAt() == null ? now : o.finishedAt().toEpochMilli();
    return d;
  }

  @Override
  public int getFactoryId() {
    return SchedulerSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return SchedulerSerialization.OUTCOME;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(attempt);
    out.writeString(worker);
    out.writeBoolean(ok);
    out.writeString(result);
    TaskRecord.writeError(out, error);
    out.writeLong(startedAt);
    out.writeLong(finishedAt);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    attempt = in.readInt();
    worker = in.readString();
    ok = in.readBoolean();
    result = in.readString();
    error = TaskRecord.readError(in);
    startedAt = in.readLong();
    finishedAt = in.readLong();
  }
}
