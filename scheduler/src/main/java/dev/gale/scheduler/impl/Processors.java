package dev.gale.scheduler.impl;

import static dev.gale.api.TaskState.CANCELLED;
import static dev.gale.api.TaskState.FAILED;
import static dev.gale.api.TaskState.QUEUED;
import static dev.gale.api.TaskState.RUNNING;
import static dev.gale.api.TaskState.SUCCEEDED;
import static dev.gale.api.TaskState.WAITING;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.gale.api.ErrorInfo;
import dev.gale.api.Json;
import dev.gale.api.RetryOn;
import dev.gale.api.TaskState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The entry processors that change tasks. Each runs inside the partition that owns the task, so its
 * read-check-write is atomic; each asks {@link TaskTransitions} before changing the state. They
 * carry {@code now} rather than reading the clock, so that backups apply the same change.
 */
final class Processors {
  private Processors() {}

  /**
   * Whether a failed attempt may run again: retries remain and the failure's kind is one the
   * function retries on ({@link RetryOn}). Cancellation never retries.
   */
  static boolean mayRetry(TaskRecord r, ErrorInfo error) {
    String code = error == null ? RetryOn.EXCEPTION : error.code();
    if (DRAINED.equals(code)) {
      // handed back unstarted by a draining worker (scale-in, walltime): the task never ran, so
      // this is capacity churn, not a failure; bounded only so that a scaler that drains every
      // block before it works shows up as failed tasks instead of an endless loop
      return r.attempts <= r.maxRetries + DRAINED_GRACE;
    }
    if (STOPPED.equals(code)) {
      // a worker that stops cleanly hands its tasks back: not the task's fault, so it does not
      // use up the function's retries (bounded, in case workers keep stopping under it)
      return r.attempts <= r.maxRetries + STOPPED_GRACE;
    }
    return r.attempts <= r.maxRetries && RetryOn.retries(r.retryMask, code);
  }

  /** The code of attempts a stopping worker gave back (killed or never started). */
  static final String STOPPED = "worker_stopped";

  /** Attempts beyond the function's retries that clean worker stops may use. */
  static final int STOPPED_GRACE = 3;

  /** The code of a task a draining worker handed back without starting it. */
  static final String DRAINED = "worker_draining";

  /** Attempts beyond the function's retries that hand-backs by draining workers may use. */
  static final int DRAINED_GRACE = 100;

  /** Ends the current attempt with a failure: back to the queue if retries remain, else failed. */
  static Step fail(TaskRecord r, ErrorInfo error, long now) {
    if (mayRetry(r, error) && r.moveTo(QUEUED)) {
      if (r.attemptErrors == null) {
        r.attemptErrors = new ArrayList<>(2);
      }
      r.attemptErrors.add(error);
      return Step.of(Step.Kind.REQUEUED, r);
    }
    if (r.moveTo(FAILED)) {
      r.error = error;
      r.finishedAt = now;
      return Step.ended(Step.Kind.TERMINAL, r);
    }
    return Step.of(Step.Kind.DISCARDED, r);
  }

  /** Base for processors that write themselves as a map of per-task data plus {@code now}. */
  abstract static class Base
      implements EntryProcessor<String, TaskRecord, Step>, IdentifiedDataSerializable {
    long now;

    /**
     * How long a record that this processor ends stays in memory (milliseconds; 0: for good). The
     * cluster's setting ({@link HazelcastScheduler}), carried so that backups apply the same.
     */
    long finishedTtlMillis;

    /** Writes the record back; a finished one with the cluster's time to live in memory. */
    void write(Map.Entry<String, TaskRecord> entry, TaskRecord r) {
      if (finishedTtlMillis > 0
          && r.state().isTerminal()
          && entry instanceof ExtendedMapEntry<String, TaskRecord> e) {
        e.setValue(r, finishedTtlMillis, TimeUnit.MILLISECONDS);
      } else {
        entry.setValue(r);
      }
    }

    /** Sets the time to live of the records it ends; returns this. */
    Base endingAfter(long ttlMillis) {
      this.finishedTtlMillis = ttlMillis;
      return this;
    }

    @Override
    public int getFactoryId() {
      return SchedulerSerialization.FACTORY_ID;
    }
  }

  /** queued → running under the assigned worker, with a new attempt. */
  static final class Dispatch extends Base {
    Map<String, String> workerByTask;

    Dispatch() {}

    Dispatch(Map<String, String> workerByTask, long now) {
      this.workerByTask = workerByTask;
      this.now = now;
    }

    @Override
    public Step process(Map.Entry<String, TaskRecord> entry) {
      TaskRecord r = entry.getValue();
      if (r == null || r.state() != QUEUED || !r.moveTo(RUNNING)) {
        return Step.of(Step.Kind.DISCARDED, r);
      }
      r.attempts++;
      r.worker = workerByTask.get(entry.getKey());
      r.startedAt = now;
      entry.setValue(r);
      Step s = Step.of(Step.Kind.DISPATCHED, r);
      s.functionId = r.functionId;
      s.args = r.args;
      return s;
    }

    @Override
    public int getClassId() {
      return SchedulerSerialization.DISPATCH;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeLong(now);
      out.writeInt(workerByTask.size());
      for (var e : workerByTask.entrySet()) {
        out.writeString(e.getKey());
        out.writeString(e.getValue());
      }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      now = in.readLong();
      int n = in.readInt();
      workerByTask = new HashMap<>(n * 2);
      for (int i = 0; i < n; i++) {
        workerByTask.put(in.readString(), in.readString());
      }
    }
  }

  /** running → succeeded | failed | queued (retry), fenced by the attempt number. */
  static final class Complete extends Base {
    Map<String, OutcomeData> outcomes;

    Complete() {}

    Complete(Map<String, OutcomeData> outcomes, long now) {
      this.outcomes = outcomes;
      this.now = now;
    }

    @Override
    public Step process(Map.Entry<String, TaskRecord> entry) {
      TaskRecord r = entry.getValue();
      OutcomeData o = outcomes.get(entry.getKey());
      if (r == null || o == null || r.state() != RUNNING || r.attempts != o.attempt) {
        return Step.of(Step.Kind.DISCARDED, r);
      }
      if (o.startedAt != 0) {
        r.startedAt = o.startedAt;
      }
      Step s;
      if (o.ok) {
        r.moveTo(SUCCEEDED);
        r.result = o.result;
        r.finishedAt = o.finishedAt;
        s = Step.ended(Step.Kind.TERMINAL, r);
      } else {
        s = fail(r, o.error, o.finishedAt);
      }
      write(entry, r);
      return s;
    }

    @Override
    public int getClassId() {
      return SchedulerSerialization.COMPLETE;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeLong(now);
      out.writeLong(finishedTtlMillis);
      out.writeInt(outcomes.size());
      for (var e : outcomes.entrySet()) {
        out.writeString(e.getKey());
        e.getValue().writeData(out);
      }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      now = in.readLong();
      finishedTtlMillis = in.readLong();
      int n = in.readInt();
      outcomes = new HashMap<>(n * 2);
      for (int i = 0; i < n; i++) {
        String id = in.readString();
        OutcomeData d = new OutcomeData();
        d.readData(in);
        outcomes.put(id, d);
      }
    }
  }

  /**
   * The worker running an attempt is gone: retry or fail with {@code worker_lost}; or, when the
   * elastic scaler had asked its block to drain (and so stopped it), hand the attempt back as
   * {@code worker_stopped}: capacity churn of the scaler's making, which does not use up the
   * function's retries.
   */
  static final class Lost extends Base {
    String worker;
    Map<String, Integer> attempts;
    boolean drained;

    Lost() {}

    Lost(String worker, Map<String, Integer> attempts, boolean drained, long now) {
      this.worker = worker;
      this.attempts = attempts;
      this.drained = drained;
      this.now = now;
    }

    @Override
    public Step process(Map.Entry<String, TaskRecord> entry) {
      TaskRecord r = entry.getValue();
      Integer attempt = attempts.get(entry.getKey());
      if (r == null
          || attempt == null
          || r.state() != RUNNING
          || r.attempts != attempt
          || !worker.equals(r.worker)) {
        return Step.of(Step.Kind.DISCARDED, r);
      }
      ErrorInfo error =
          drained
              ? ErrorInfo.of(
                  STOPPED,
                  "worker "
                      + worker
                      + " was stopped by the elastic scaler (its block was drained) holding attempt "
                      + r.attempts)
              : ErrorInfo.of(
                  "worker_lost",
                  "worker " + worker + " was lost while running attempt " + r.attempts);
      Step s = fail(r, error, now);
      write(entry, r);
      return s;
    }

    @Override
    public int getClassId() {
      return SchedulerSerialization.LOST;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeLong(now);
      out.writeLong(finishedTtlMillis);
      out.writeString(worker);
      out.writeBoolean(drained);
      out.writeInt(attempts.size());
      for (var e : attempts.entrySet()) {
        out.writeString(e.getKey());
        out.writeInt(e.getValue());
      }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      now = in.readLong();
      finishedTtlMillis = in.readLong();
      worker = in.readString();
      drained = in.readBoolean();
      int n = in.readInt();
      attempts = new HashMap<>(n * 2);
      for (int i = 0; i < n; i++) {
        attempts.put(in.readString(), in.readInt());
      }
    }
  }

  /** Any non-terminal state → cancelled. */
  static final class Cancel extends Base {
    Cancel() {}

    Cancel(long now) {
      this.now = now;
    }

    @Override
    public Step process(Map.Entry<String, TaskRecord> entry) {
      TaskRecord r = entry.getValue();
      if (r == null) {
        return null;
      }
      if (r.state().isTerminal()) {
        return Step.of(Step.Kind.ALREADY_TERMINAL, r);
      }
      boolean wasRunning = r.state() == RUNNING;
      r.moveTo(CANCELLED);
      r.error = ErrorInfo.of("cancelled", "cancelled by request");
      r.finishedAt = now;
      Step s = Step.ended(wasRunning ? Step.Kind.CANCELLED_RUNNING : Step.Kind.TERMINAL, r);
      write(entry, r);
      return s;
    }

    @Override
    public int getClassId() {
      return SchedulerSerialization.CANCEL;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeLong(now);
      out.writeLong(finishedTtlMillis);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      now = in.readLong();
      finishedTtlMillis = in.readLong();
    }
  }

  /** How an upstream task ended, as a waiting downstream task needs to know it. */
  record Upstream(String id, TaskState state, String result, ErrorInfo error) {
    static Upstream of(String id, Step s) {
      return new Upstream(id, s.state, s.result, s.error);
    }

    void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(id);
      out.writeByte(state.ordinal());
      out.writeString(result);
      TaskRecord.writeError(out, error);
    }

    static Upstream readData(ObjectDataInput in) throws IOException {
      return new Upstream(
          in.readString(),
          TaskState.values()[in.readByte()],
          in.readString(),
          TaskRecord.readError(in));
    }
  }

  /**
   * Registers downstream tasks on their upstream ones. An upstream task that has already ended
   * registers nothing and answers with how it ended, so that the caller releases the downstream
   * tasks itself; one that has not ended hands them out when it does. Both happen in the upstream
   * task's partition, so no ending is missed.
   */
  static final class AddDependents extends Base {
    Map<String, List<String>> downstreamByTask;

    AddDependents() {}

    AddDependents(Map<String, List<String>> downstreamByTask) {
      this.downstreamByTask = downstreamByTask;
    }

    @Override
    public Step process(Map.Entry<String, TaskRecord> entry) {
      TaskRecord r = entry.getValue();
      if (r == null) {
        return null;
      }
      if (r.state().isTerminal()) {
        Step s = Step.of(Step.Kind.ALREADY_TERMINAL, r);
        s.result = r.result;
        s.error = r.error;
        return s;
      }
      if (r.dependents == null) {
        r.dependents = new ArrayList<>(downstreamByTask.get(entry.getKey()));
      } else {
        r.dependents.addAll(downstreamByTask.get(entry.getKey()));
      }
      entry.setValue(r);
      return Step.of(Step.Kind.DISCARDED, r);
    }

    @Override
    public int getClassId() {
      return SchedulerSerialization.ADD_DEPENDENTS;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeInt(downstreamByTask.size());
      for (var e : downstreamByTask.entrySet()) {
        out.writeString(e.getKey());
        TaskRecord.writeStrings(out, e.getValue());
      }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      int n = in.readInt();
      downstreamByTask = new HashMap<>(n * 2);
      for (int i = 0; i < n; i++) {
        downstreamByTask.put(in.readString(), TaskRecord.readStrings(in));
      }
    }
  }

  /**
   * Tells waiting tasks how some of their upstream tasks ended. A succeeded upstream's result is
   * kept; when every upstream has succeeded the references in the args are replaced by the results
   * and the task is queued. A failed upstream fails the task with {@code dependency_failed}, a
   * cancelled one cancels it; either way the task ends and its own dependents follow. Idempotent:
   * results are kept by upstream id, so telling the same ending twice changes nothing.
   */
  static final class Release extends Base {
    Map<String, List<Upstream>> upstreamByTask;

    Release() {}

    Release(Map<String, List<Upstream>> upstreamByTask, long now) {
      this.upstreamByTask = upstreamByTask;
      this.now = now;
    }

    @Override
    public Step process(Map.Entry<String, TaskRecord> entry) {
      TaskRecord r = entry.getValue();
      List<Upstream> ups = upstreamByTask.get(entry.getKey());
      if (r == null || ups == null || r.state() != WAITING || r.deps == null) {
        return Step.of(Step.Kind.DISCARDED, r);
      }
      for (Upstream u : ups) {
        if (!r.deps.contains(u.id())) {
          continue;
        }
        switch (u.state()) {
          case SUCCEEDED -> {
            if (r.depResults == null) {
              r.depResults = new HashMap<>();
            }
            r.depResults.put(u.id(), u.result() == null ? "null" : u.result());
          }
          case FAILED, CANCELLED -> {
            return endByUpstream(entry, r, u);
          }
          default -> {
            // not ended: nothing to learn
          }
        }
      }
      Step s;
      if (r.depResults != null && r.depResults.size() >= r.deps.size()) {
        r.args = TaskRefs.substitute(r.args, r.depResults);
        r.depResults = null;
        if (r.cache) {
          r.cacheKey = CacheKeys.of(r.functionId, r.args);
        }
        r.moveTo(QUEUED);
        s = Step.of(Step.Kind.RELEASED, r);
      } else {
        s = Step.of(Step.Kind.DISCARDED, r);
      }
      write(entry, r);
      return s;
    }

    private Step endByUpstream(Map.Entry<String, TaskRecord> entry, TaskRecord r, Upstream u) {
      boolean failed = u.state() == FAILED;
      var details = Json.object().put("upstream", u.id());
      if (u.error() != null) {
        details.put("upstreamError", u.error().code());
      }
      String why =
          u.error() == null || u.error().message() == null ? "" : ": " + u.error().message();
      r.moveTo(failed ? FAILED : CANCELLED);
      r.error =
          failed
              ? new ErrorInfo(
                  "dependency_failed", "upstream task " + u.id() + " failed" + why, details)
              : new ErrorInfo("cancelled", "upstream task " + u.id() + " was cancelled", details);
      r.depResults = null;
      r.finishedAt = now;
      Step s = Step.ended(Step.Kind.TERMINAL, r);
      write(entry, r);
      return s;
    }

    @Override
    public int getClassId() {
      return SchedulerSerialization.RELEASE;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeLong(now);
      out.writeLong(finishedTtlMillis);
      out.writeInt(upstreamByTask.size());
      for (var e : upstreamByTask.entrySet()) {
        out.writeString(e.getKey());
        out.writeInt(e.getValue().size());
        for (Upstream u : e.getValue()) {
          u.writeData(out);
        }
      }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      now = in.readLong();
      finishedTtlMillis = in.readLong();
      int n = in.readInt();
      upstreamByTask = new HashMap<>(n * 2);
      for (int i = 0; i < n; i++) {
        String id = in.readString();
        int m = in.readInt();
        List<Upstream> ups = new ArrayList<>(m);
        for (int j = 0; j < m; j++) {
          ups.add(Upstream.readData(in));
        }
        upstreamByTask.put(id, ups);
      }
    }
  }
}
