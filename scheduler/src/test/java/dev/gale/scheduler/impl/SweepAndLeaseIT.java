package dev.gale.scheduler.impl;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import dev.gale.api.FunctionDefinition;
import dev.gale.api.RawJson;
import dev.gale.api.Task;
import dev.gale.api.TaskState;
import dev.gale.scheduler.Lease;
import dev.gale.scheduler.NewTask;
import dev.gale.scheduler.SchedulerOptions;
import dev.gale.scheduler.WorkerCredit;
import dev.gale.scheduler.testing.TestFunctions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cluster's sweeps and the leases that make one process run them. */
class SweepAndLeaseIT {
  private static HazelcastScheduler scheduler;

  @BeforeAll
  static void start() {
    scheduler = (HazelcastScheduler) HazelcastScheduler.startMember(SchedulerOptions.forTests());
  }

  @AfterAll
  static void stop() {
    scheduler.close();
  }

  private static FunctionDefinition fn() {
    return TestFunctions.echo("acme", 0, Instant.now());
  }

  @Test
  void theSweepReleasesATaskWhoseUpstreamEndedWithoutTellingIt() throws Exception {
    FunctionDefinition f = fn();
    List<Task> t =
        scheduler.submit(
            List.of(
                new NewTask("acme", f, RawJson.of("{\"v\":1}"), "sweep", 0, "a"),
                new NewTask("acme", f, RawJson.of("{\"a\":{\"$ref\":\"a\"}}"), "sweep", 0, "b")));
    scheduler.take("sweep", List.of(new WorkerCredit("w", 1)), 200);
    // The process that recorded a's result died before it released b: a ended, b was not told.
    IMap<String, TaskRecord> map = scheduler.hazelcast().getMap(HazelcastScheduler.TASKS);
    TaskRecord a = map.get(t.get(0).id());
    a.state = TaskState.SUCCEEDED;
    a.result = "{\"v\":1}";
    a.dependents = null;
    map.set(a.id, a);
    assertThat(scheduler.getTask(t.get(1).id()).orElseThrow().state()).isEqualTo(TaskState.WAITING);

    scheduler.recoverOrphans(Duration.ZERO);

    Task b = scheduler.getTask(t.get(1).id()).orElseThrow();
    assertThat(b.state()).isEqualTo(TaskState.QUEUED);
    var got = scheduler.take("sweep", List.of(new WorkerCredit("w", 1)), 1_000);
    assertThat(got).hasSize(1);
    assertThat(got.get(0).args().json()).isEqualTo("{\"a\":{\"v\":1}}");
    // a second sweep changes nothing (the worker running b is alive)
    scheduler.putWorker(
        new dev.gale.api.WorkerInfo("w", "sweep", "n", 1, 1, "g", Instant.now(), Instant.now()));
    scheduler.recoverOrphans(Duration.ZERO);
    assertThat(scheduler.getTask(b.id()).orElseThrow().state()).isEqualTo(TaskState.RUNNING);
  }

  @Test
  void aReconnectingWorkerGetsBackOnlyWhatItDoesNotHold() throws Exception {
    FunctionDefinition f = fn();
    List<Task> t =
        scheduler.submit(
            List.of(
                new NewTask("acme", f, RawJson.of("{}"), "reconcile", 0),
                new NewTask("acme", f, RawJson.of("{}"), "reconcile", 0),
                new NewTask("acme", f, RawJson.of("{}"), "reconcile", 0)));
    var got = scheduler.take("reconcile", List.of(new WorkerCredit("wr", 3)), 1_000);
    assertThat(got).hasSize(3);
    // it holds the first; the second's dispatch never reached it; it holds an older attempt of none
    int lost = scheduler.reconcileWorker("wr", java.util.Map.of(t.get(0).id(), 1));
    assertThat(lost).isEqualTo(2);
    assertThat(scheduler.getTask(t.get(0).id()).orElseThrow().state()).isEqualTo(TaskState.RUNNING);
    assertThat(scheduler.getTask(t.get(1).id()).orElseThrow().error().code())
        .isEqualTo("worker_lost");
    assertThat(scheduler.reconcileWorker("wr", java.util.Map.of(t.get(0).id(), 1))).isZero();
  }

  @Test
  void theSweepPutsBackQueuedTasksThatADeadGatewayTookFromTheQueue() throws Exception {
    FunctionDefinition f = fn();
    List<Task> t =
        scheduler.submit(
            List.of(
                new NewTask("acme", f, RawJson.of("{}"), "stranded", 0),
                new NewTask("acme", f, RawJson.of("{}"), "stranded", 0)));
    // a gateway drained them and died before marking them running
    List<String> drained = new java.util.ArrayList<>();
    scheduler.hazelcast().<String>getQueue(ReadyQueues.name("stranded", 0)).drainTo(drained);
    assertThat(drained).hasSize(2);
    assertThat(scheduler.queueDepth("stranded")).isZero();

    scheduler.recoverOrphans(Duration.ZERO);
    assertThat(scheduler.queueDepth("stranded")).isEqualTo(2);

    var got = scheduler.take("stranded", List.of(new WorkerCredit("ws", 10)), 1_000);
    assertThat(got)
        .extracting(d -> d.taskId())
        .containsExactlyInAnyOrder(t.get(0).id(), t.get(1).id());
    scheduler.putWorker(
        new dev.gale.api.WorkerInfo(
            "ws", "stranded", "n", 1, 2, "g", Instant.now(), Instant.now()));
    scheduler.recoverOrphans(Duration.ZERO);
    assertThat(scheduler.queueDepth("stranded")).isZero();
  }

  @Test
  void aLeaseHasOneHolderUntilItLapsesAndEachNewHolderGetsALargerFence() throws Exception {
    Optional<Lease> first = scheduler.tryLease("test.lease", "g1", Duration.ofSeconds(3));
    assertThat(first).isPresent();
    assertThat(scheduler.tryLease("test.lease", "g2", Duration.ofSeconds(5))).isEmpty();
    Optional<Lease> renewed = scheduler.tryLease("test.lease", "g1", Duration.ofSeconds(3));
    assertThat(renewed.orElseThrow().fence()).isEqualTo(first.orElseThrow().fence());
    assertThat(scheduler.currentLease("test.lease").orElseThrow().holder()).isEqualTo("g1");

    Thread.sleep(3_500);
    Optional<Lease> taken = scheduler.tryLease("test.lease", "g2", Duration.ofSeconds(5));
    assertThat(taken.orElseThrow().fence()).isGreaterThan(first.orElseThrow().fence());
    // the stale holder can neither renew nor release
    assertThat(scheduler.tryLease("test.lease", "g1", Duration.ofSeconds(5))).isEmpty();
    assertThat(scheduler.releaseLease(first.orElseThrow())).isFalse();
    assertThat(scheduler.releaseLease(taken.orElseThrow())).isTrue();
    assertThat(scheduler.currentLease("test.lease")).isEmpty();
    Optional<Lease> again = scheduler.tryLease("test.lease", "g1", Duration.ofSeconds(5));
    assertThat(again.orElseThrow().fence()).isGreaterThan(taken.orElseThrow().fence());
  }
}
