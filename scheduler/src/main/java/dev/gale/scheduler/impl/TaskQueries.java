package dev.gale.scheduler.impl;

import com.hazelcast.aggregation.Aggregator;
import com.hazelcast.config.IndexConfig;
import com.hazelcast.config.IndexType;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.TaskState;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;

/**
 * Predicates, orderings and aggregations over the task map (listing, sweeps, metrics).
 *
 * <p>The task map has a hash index on {@code state} ({@link #STATE_INDEX}), and every query that
 * looks at tasks of one state starts from it ({@link #inState}): the periodic ones (the scaler's
 * running attempts, the orphan sweep) then cost what the tasks in that state cost, not a pass over
 * every record, finished ones included. A Hazelcast index is kept per partition by the member that
 * holds it, owned and backup replicas alike, and moves with its partition, so the answers stay
 * exact through migrations and the loss of a member; counters kept by the transitions would have to
 * be made to survive both. The price is an index update per state change and, because the map keeps
 * objects, a copy of the record for each entry processor (Hazelcast then protects the index from
 * in-place changes).
 */
final class TaskQueries {
  private TaskQueries() {}

  /** The attribute of {@link TaskRecord} the index is on (its {@code state} field). */
  static final String STATE = "state";

  /** The hash index of the task map on {@link #STATE}. */
  static final IndexConfig STATE_INDEX =
      new IndexConfig(IndexType.HASH, STATE).setName("gale_tasks_state");

  /** Tasks in one state, served by the state index. */
  static Predicate<String, TaskRecord> inState(TaskState state) {
    return Predicates.equal(STATE, state);
  }

  /**
   * Tasks in {@code state} (any state when null) that {@code filter} also accepts: the index picks
   * the candidates, the filter looks only at those.
   */
  static Predicate<String, TaskRecord> inState(
      TaskState state, Predicate<String, TaskRecord> filter) {
    return state == null ? filter : Predicates.and(inState(state), filter);
  }

  /** A position in the newest-first order: tasks strictly after it come next. */
  record Cursor(long createdAt, String id) {
    String encode() {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString((createdAt + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String s) {
      try {
        String v = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
        int colon = v.indexOf(':');
        return new Cursor(Long.parseLong(v.substring(0, colon)), v.substring(colon + 1));
      } catch (RuntimeException e) {
        throw new InvalidRequestException("cursor is not a cursor returned by this API");
      }
    }
  }

  /** Newest first; ties broken by id, descending. */
  static final class NewestFirst
      implements Comparator<Map.Entry<String, TaskRecord>>, java.io.Serializable {
    @Override
    public int compare(Map.Entry<String, TaskRecord> a, Map.Entry<String, TaskRecord> b) {
      int c = Long.compare(b.getValue().createdAt, a.getValue().createdAt);
      return c != 0 ? c : b.getKey().compareTo(a.getKey());
    }
  }

  /** One tenant's tasks, optionally of one state and function, after a cursor. */
  static final class Filter implements Predicate<String, TaskRecord> {
    private final String tenant;
    private final TaskState state;
    private final String function;
    private final long beforeCreatedAt;
    private final String beforeId;

    Filter(String tenant, TaskState state, String function, Cursor cursor) {
      this.tenant = tenant;
      this.state = state;
      this.function = function;
      this.beforeCreatedAt = cursor == null ? Long.MAX_VALUE : cursor.createdAt();
      this.beforeId = cursor == null ? null : cursor.id();
    }

    @Override
    public boolean apply(Map.Entry<String, TaskRecord> e) {
      TaskRecord r = e.getValue();
      if (!tenant.equals(r.tenant)
          || (state != null && r.state != state)
          || (function != null && !function.equals(r.functionId))) {
        return false;
      }
      if (r.createdAt != beforeCreatedAt) {
        return r.createdAt < beforeCreatedAt;
      }
      return beforeId != null && e.getKey().compareTo(beforeId) < 0;
    }
  }

  /** Running attempts of workers not in {@code live}, started before a time. */
  static final class Orphans implements Predicate<String, TaskRecord> {
    private final java.util.Set<String> live;
    private final long startedBefore;

    Orphans(java.util.Set<String> live, long startedBefore) {
      this.live = live;
      this.startedBefore = startedBefore;
    }

    @Override
    public boolean apply(Map.Entry<String, TaskRecord> e) {
      TaskRecord r = e.getValue();
      return r.state == TaskState.RUNNING
          && r.startedAt < startedBefore
          && (r.worker == null || !live.contains(r.worker));
    }
  }

  /** Tasks running on one worker. */
  static final class RunningOn implements Predicate<String, TaskRecord> {
    private final String worker;

    RunningOn(String worker) {
      this.worker = worker;
    }

    @Override
    public boolean apply(Map.Entry<String, TaskRecord> e) {
      TaskRecord r = e.getValue();
      return r.state == TaskState.RUNNING && worker.equals(r.worker);
    }
  }

  /** Queued tasks of one pool created before a time. */
  static final class QueuedIn implements Predicate<String, TaskRecord> {
    private final String pool;
    private final long createdBefore;

    QueuedIn(String pool, long createdBefore) {
      this.pool = pool;
      this.createdBefore = createdBefore;
    }

    @Override
    public boolean apply(Map.Entry<String, TaskRecord> e) {
      TaskRecord r = e.getValue();
      return r.state == TaskState.QUEUED && r.createdAt < createdBefore && pool.equals(r.pool);
    }
  }

  /** Counts queued tasks per pool in one pass. */
  static final class QueuedPerPool
      implements Aggregator<Map.Entry<String, TaskRecord>, java.util.HashMap<String, Long>> {
    private java.util.HashMap<String, Long> counts = new java.util.HashMap<>();

    @Override
    public void accumulate(Map.Entry<String, TaskRecord> e) {
      TaskRecord r = e.getValue();
      if (r.state == TaskState.QUEUED) {
        counts.merge(r.pool, 1L, Long::sum);
      }
    }

    @Override
    public void combine(Aggregator aggregator) {
      ((QueuedPerPool) aggregator).counts.forEach((k, v) -> counts.merge(k, v, Long::sum));
    }

    @Override
    public java.util.HashMap<String, Long> aggregate() {
      return counts;
    }
  }

  /** Waiting tasks created before a time. */
  static final class WaitingSince implements Predicate<String, TaskRecord> {
    private final long createdBefore;

    WaitingSince(long createdBefore) {
      this.createdBefore = createdBefore;
    }

    @Override
    public boolean apply(Map.Entry<String, TaskRecord> e) {
      TaskRecord r = e.getValue();
      return r.state == TaskState.WAITING && r.createdAt < createdBefore && r.deps != null;
    }
  }

  /** A waiting task as its id followed by the upstream ids it has no result of yet. */
  static final class PendingUpstream
      implements com.hazelcast.projection.Projection<Map.Entry<String, TaskRecord>, String[]> {
    @Override
    public String[] transform(Map.Entry<String, TaskRecord> e) {
      TaskRecord r = e.getValue();
      java.util.List<String> out = new java.util.ArrayList<>(r.deps.size() + 1);
      out.add(r.id);
      for (String d : r.deps) {
        if (r.depResults == null || !r.depResults.containsKey(d)) {
          out.add(d);
        }
      }
      return out.toArray(new String[0]);
    }
  }

  /** Counts tasks per state in one pass. */
  static final class StateCounts implements Aggregator<Map.Entry<String, TaskRecord>, long[]> {
    private long[] counts = new long[TaskState.values().length];

    @Override
    public void accumulate(Map.Entry<String, TaskRecord> e) {
      counts[e.getValue().state.ordinal()]++;
    }

    @Override
    public void combine(Aggregator aggregator) {
      long[] other = ((StateCounts) aggregator).counts;
      for (int i = 0; i < counts.length; i++) {
        counts[i] += other[i];
      }
    }

    @Override
    public long[] aggregate() {
      return counts;
    }
  }
}
