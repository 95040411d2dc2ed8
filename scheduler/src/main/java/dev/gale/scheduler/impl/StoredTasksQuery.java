package dev.gale.scheduler.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import dev.gale.api.TaskState;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.concurrent.Callable;

/**
 * One page of a tenant's finished tasks from the database, newest first, run on a member (clients,
 * such as a separate gateway, have no database of their own): the part of a listing that is no
 * longer in the cluster's memory. See {@link MemberStore#finishedTasks}.
 */
final class StoredTasksQuery
    implements Callable<ArrayList<TaskRecord>>, Serializable, HazelcastInstanceAware {
  private static final long serialVersionUID = 1L;

  private final String tenant;
  private final TaskState state;
  private final String functionId;
  private final long beforeCreatedAt;
  private final String beforeId;
  private final int limit;
  private transient HazelcastInstance hz;

  StoredTasksQuery(
      String tenant,
      TaskState state,
      String functionId,
      long beforeCreatedAt,
      String beforeId,
      int limit) {
    this.tenant = tenant;
    this.state = state;
    this.functionId = functionId;
    this.beforeCreatedAt = beforeCreatedAt;
    this.beforeId = beforeId;
    this.limit = limit;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hz) {
    this.hz = hz;
  }

  @Override
  public ArrayList<TaskRecord> call() {
    Object store = hz == null ? null : hz.getUserContext().get(HazelcastScheduler.STORE_CONTEXT);
    if (!(store instanceof MemberStore m)) {
      return new ArrayList<>();
    }
    return new ArrayList<>(
        m.finishedTasks(tenant, state, functionId, beforeCreatedAt, beforeId, limit));
  }
}
