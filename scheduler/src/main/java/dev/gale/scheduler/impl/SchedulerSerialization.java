package dev.gale.scheduler.impl;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * Compact binary serialization of the scheduler's hot-path objects (task records, entry processors
 * and their results). Registered on members and clients alike.
 */
public final class SchedulerSerialization implements DataSerializableFactory {
  public static final int FACTORY_ID = 7101;
  static final int TASK_RECORD = 1;
  static final int STEP = 2;
  static final int DISPATCH = 3;
  static final int COMPLETE = 4;
  static final int LOST = 5;
  static final int CANCEL = 6;
  static final int OUTCOME = 7;
  static final int ADD_DEPENDENTS = 8;
  static final int RELEASE = 9;
  static final int LEASE = 10;
  static final int LEASE_ACQUIRE = 11;
  static final int LEASE_RELEASE = 12;

  @Override
  public IdentifiedDataSerializable create(int typeId) {
    return switch (typeId) {
      case TASK_RECORD -> new TaskRecord();
      case STEP -> new Step();
      case DISPATCH -> new Processors.Dispatch();
      case COMPLETE -> new Processors.Complete();
      case LOST -> new Processors.Lost();
      case CANCEL -> new Processors.Cancel();
      case OUTCOME -> new OutcomeData();
      case ADD_DEPENDENTS -> new Processors.AddDependents();
      case RELEASE -> new Processors.Release();
      case LEASE -> new Leases.Held();
      case LEASE_ACQUIRE -> new Leases.Acquire();
      case LEASE_RELEASE -> new Leases.Release();
      default -> throw new IllegalArgumentException("unknown scheduler type id " + typeId);
    };
  }
}
