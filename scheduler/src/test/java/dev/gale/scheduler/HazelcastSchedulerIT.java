package dev.gale.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gale.api.BackPressureException;
import dev.gale.api.ConflictException;
import dev.gale.api.ErrorInfo;
import dev.gale.api.FunctionDefinition;
import dev.gale.api.NotFoundException;
import dev.gale.api.RawJson;
import dev.gale.api.Task;
import dev.gale.api.TaskState;
import dev.gale.scheduler.impl.HazelcastScheduler;
import dev.gale.scheduler.testing.TestFunctions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scheduler against a real embedded Hazelcast member on loopback. */
class HazelcastSchedulerIT {
  private static Scheduler scheduler;
  private static int poolCounter;

  @BeforeAll
  static void start() {
    scheduler = Schedulers.member(SchedulerOptions.forTests());
  }

  @AfterAll
  static void stop() {
    scheduler.close();
  }

  private static FunctionDefinition fn(int retries) {
    return TestFunctions.echo("acme", retries, Instant.now());
  }

  private static String newPool() {
    return "p" + (++poolCounter) + "x" + System.nanoTime();
  }

  private static List<NewTask> tasks(FunctionDefinition f, String pool, int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> new NewTask("acme", f, RawJson.of("{\"i\":" + i + "}"), pool, 0))
        .toList();
  }

  private static Outcome ok(Dispatch d) {
    return new Outcome(
        d.taskId(), d.attempt(), d.workerId(), true, d.args(), null, null, Instant.now());
  }

  private static Outcome failed(Dispatch d, String code) {
    return new Outcome(
        d.taskId(),
        d.attempt(),
        d.workerId(),
        false,
        null,
        ErrorInfo.of(code, "it broke"),
        null,
        Instant.now());
  }

  @Test
  void dispatchesABatchToWorkersWithinTheirCredits() throws Exception {
    String pool = newPool();
    List<Task> submitted = scheduler.submit(tasks(fn(0), pool, 10));
    assertThat(submitted).hasSize(10).allMatch(t -> t.state() == TaskState.QUEUED);
    assertThat(scheduler.queueDepth(pool)).isEqualTo(10);

    List<Dispatch> got =
        scheduler.take(pool, List.of(new WorkerCredit("w1", 3), new WorkerCredit("w2", 4)), 1000);

    assertThat(got).hasSize(7);
    assertThat(got.stream().filter(d -> d.workerId().equals("w1"))).hasSize(3);
    assertThat(got.stream().filter(d -> d.workerId().equals("w2"))).hasSize(4);
    assertThat(got).allMatch(d -> d.attempt() == 1);
    assertThat(got.get(0).taskId()).isEqualTo(submitted.get(0).id());
    assertThat(scheduler.queueDepth(pool)).isEqualTo(3);
    Task running = scheduler.getTask(got.get(0).taskId()).orElseThrow();
    assertThat(running.state()).isEqualTo(TaskState.RUNNING);
    assertThat(running.worker()).isEqualTo("w1");
    assertThat(running.startedAt()).isNotNull();
  }

  /**
   * Starts a take that waits on the pool's empty queues, as an idle dispatcher does, and returns
   * once it has been blocked for a while (the drains before the wait take microseconds).
   */
  private static Thread waitingTake(String pool, List<Dispatch> into) {
    Thread t =
        new Thread(
            () -> {
              try {
                into.addAll(scheduler.take(pool, List.of(new WorkerCredit("w-idle", 1)), 3000));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    t.start();
    await()
        .pollInterval(java.time.Duration.ofMillis(10))
        .during(java.time.Duration.ofMillis(200))
        .atMost(java.time.Duration.ofSeconds(5))
        .until(
            () ->
                t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
    return t;
  }

  @Test
  void submitToHandsATaskStraightToTheWorkerWhileADispatcherWaitsOnEmptyQueues() throws Exception {
    String pool = newPool();
    List<String> announced = new CopyOnWriteArrayList<>();
    List<Dispatch> takenMeanwhile = new CopyOnWriteArrayList<>();
    try (AutoCloseable sub = scheduler.onTerminal(announced::addAll)) {
      Thread idle = waitingTake(pool, takenMeanwhile);
      Submitted s = scheduler.submitTo(tasks(fn(0), pool, 1).get(0), "w-direct");

      Dispatch d = s.dispatch();
      assertThat(d).isNotNull();
      assertThat(d.workerId()).isEqualTo("w-direct");
      assertThat(d.taskId()).isEqualTo(s.task().id());
      assertThat(d.attempt()).isEqualTo(1);
      assertThat(d.args().toTree().get("i").asInt()).isZero();
      assertThat(s.task().state()).isEqualTo(TaskState.RUNNING);
      Task stored = scheduler.getTask(d.taskId()).orElseThrow();
      assertThat(stored.state()).isEqualTo(TaskState.RUNNING);
      assertThat(stored.worker()).isEqualTo("w-direct");
      assertThat(stored.attempts()).isEqualTo(1);
      assertThat(stored.startedAt()).isNotNull();
      // never queued: nothing for the waiting dispatcher to take
      assertThat(scheduler.queueDepth(pool)).isZero();
      idle.join();
      assertThat(takenMeanwhile).isEmpty();

      assertThat(scheduler.complete(List.of(ok(d)))).containsExactly(d.taskId());
      await().until(() -> announced.contains(d.taskId()));
      assertThat(scheduler.getTask(d.taskId()).orElseThrow().state())
          .isEqualTo(TaskState.SUCCEEDED);
    }
  }

  @Test
  void submitToQueuesTheTaskWhenNoDispatcherWaitsOnThePoolsEmptyQueues() throws Exception {
    String pool = newPool();
    List<Task> earlier = scheduler.submit(tasks(fn(0), pool, 2));

    Submitted s = scheduler.submitTo(tasks(fn(0), pool, 1).get(0), "w");

    assertThat(s.dispatch()).isNull();
    assertThat(s.task().state()).isEqualTo(TaskState.QUEUED);
    List<Dispatch> got = scheduler.take(pool, List.of(new WorkerCredit("w", 5)), 1000);
    assertThat(got)
        .extracting(Dispatch::taskId)
        .containsExactly(earlier.get(0).id(), earlier.get(1).id(), s.task().id());
  }

  @Test
  void aTaskSubmittedToALostWorkerIsRetriedThroughTheQueue() throws Exception {
    String pool = newPool();
    List<Dispatch> idleGot = new CopyOnWriteArrayList<>();
    Thread idle = waitingTake(pool, idleGot);
    Dispatch d = scheduler.submitTo(tasks(fn(1), pool, 1).get(0), "w-gone").dispatch();

    scheduler.workerLost("w-gone", Map.of(d.taskId(), d.attempt()));

    // back on the queue, where the waiting dispatcher takes it for its second attempt
    idle.join();
    assertThat(idleGot).extracting(Dispatch::taskId).containsExactly(d.taskId());
    assertThat(idleGot.get(0).attempt()).isEqualTo(2);
    assertThat(idleGot.get(0).workerId()).isEqualTo("w-idle");
  }

  @Test
  void submitToTakesTheOrdinaryWayForUpstreamReferencesAndCachedFunctions() throws Exception {
    String pool = newPool();
    Task up = scheduler.submit(tasks(fn(0), newPool(), 1)).get(0);
    List<Dispatch> idleGot = new CopyOnWriteArrayList<>();
    Thread idle = waitingTake(pool, idleGot);

    NewTask dependent =
        new NewTask("acme", fn(0), RawJson.of("{\"u\":{\"$task\":\"" + up.id() + "\"}}"), pool, 0);
    Submitted waiting = scheduler.submitTo(dependent, "w");
    assertThat(waiting.dispatch()).isNull();
    assertThat(waiting.task().state()).isEqualTo(TaskState.WAITING);

    FunctionDefinition cached = TestFunctions.echo("acme", 0, null, true, Instant.now());
    Submitted queued =
        scheduler.submitTo(new NewTask("acme", cached, RawJson.of("{}"), pool, 0), "w");
    assertThat(queued.dispatch()).isNull();
    assertThat(queued.task().state()).isEqualTo(TaskState.QUEUED);
    idle.join();
    assertThat(idleGot).extracting(Dispatch::taskId).containsExactly(queued.task().id());
  }

  @Test
  void takeWaitsForWorkAndReturnsEmptyWhenNoneArrives() throws Exception {
    String pool = newPool();
    long t0 = System.nanoTime();
    assertThat(scheduler.take(pool, List.of(new WorkerCredit("w", 5)), 200)).isEmpty();
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(150);
  }

  @Test
  void recordsResultsAndAnnouncesTerminalTasks() throws Exception {
    String pool = newPool();
    List<String> announced = new CopyOnWriteArrayList<>();
    try (AutoCloseable sub = scheduler.onTerminal(announced::addAll)) {
      scheduler.submit(tasks(fn(0), pool, 5));
      List<Dispatch> got = scheduler.take(pool, List.of(new WorkerCredit("w", 5)), 1000);
      List<String> ended = scheduler.complete(got.stream().map(HazelcastSchedulerIT::ok).toList());

      assertThat(ended).hasSize(5);
      await().until(() -> announced.containsAll(ended));
      Task t = scheduler.getTask(got.get(2).taskId()).orElseThrow();
      assertThat(t.state()).isEqualTo(TaskState.SUCCEEDED);
      assertThat(t.result().toTree().get("i").asInt()).isEqualTo(2);
      assertThat(t.finishedAt()).isNotNull();
    }
  }

  @Test
  void retriesAFailedAttemptUntilRetriesAreUsedUp() throws Exception {
    String pool = newPool();
    String id = scheduler.submit(tasks(fn(1), pool, 1)).get(0).id();

    Dispatch first = scheduler.take(pool, List.of(new WorkerCredit("w", 1)), 1000).get(0);
    assertThat(scheduler.complete(List.of(failed(first, "nonzero_exit")))).isEmpty();
    assertThat(scheduler.getTask(id).orElseThrow().state()).isEqualTo(TaskState.QUEUED);

    Dispatch second = scheduler.take(pool, List.of(new WorkerCredit("w", 1)), 1000).get(0);
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(scheduler.complete(List.of(failed(second, "exception")))).containsExactly(id);

    Task t = scheduler.getTask(id).orElseThrow();
    assertThat(t.state()).isEqualTo(TaskState.FAILED);
    assertThat(t.attempts()).isEqualTo(2);
    assertThat(t.error().code()).isEqualTo("exception");
    assertThat(t.attemptErrors()).extracting(ErrorInfo::code).containsExactly("nonzero_exit");
  }

  @Test
  void discardsALateResultOfAnOlderAttempt() throws Exception {
    String pool = newPool();
    String id = scheduler.submit(tasks(fn(1), pool, 1)).get(0).id();
    Dispatch first = scheduler.take(pool, List.of(new WorkerCredit("w1", 1)), 1000).get(0);
    scheduler.workerLost("w1", Map.of(id, first.attempt()));
    Dispatch second = scheduler.take(pool, List.of(new WorkerCredit("w2", 1)), 1000).get(0);

    assertThat(scheduler.complete(List.of(ok(first)))).isEmpty();
    assertThat(scheduler.getTask(id).orElseThrow().state()).isEqualTo(TaskState.RUNNING);
    assertThat(scheduler.complete(List.of(ok(second)))).containsExactly(id);
    Task t = scheduler.getTask(id).orElseThrow();
    assertThat(t.state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(t.worker()).isEqualTo("w2");
    assertThat(t.attemptErrors()).extracting(ErrorInfo::code).containsExactly("worker_lost");
  }

  @Test
  void failsWithWorkerLostWhenNoRetriesRemain() throws Exception {
    String pool = newPool();
    List<Task> submitted = scheduler.submit(tasks(fn(0), pool, 3));
    List<Dispatch> got = scheduler.take(pool, List.of(new WorkerCredit("w1", 3)), 1000);
    scheduler.complete(List.of(ok(got.get(0))));
    Map<String, Integer> running = new java.util.HashMap<>();
    got.forEach(d -> running.put(d.taskId(), d.attempt()));

    scheduler.workerLost("w1", running);

    assertThat(scheduler.getTask(submitted.get(0).id()).orElseThrow().state())
        .isEqualTo(TaskState.SUCCEEDED);
    for (Task t : List.of(submitted.get(1), submitted.get(2))) {
      Task now = scheduler.getTask(t.id()).orElseThrow();
      assertThat(now.state()).isEqualTo(TaskState.FAILED);
      assertThat(now.error().code()).isEqualTo("worker_lost");
    }
  }

  @Test
  void aCancelledQueuedTaskIsNeverDispatched() throws Exception {
    String pool = newPool();
    List<Task> submitted = scheduler.submit(tasks(fn(0), pool, 2));
    Task cancelled = scheduler.cancel(submitted.get(0).id());
    assertThat(cancelled.state()).isEqualTo(TaskState.CANCELLED);
    assertThat(cancelled.error().code()).isEqualTo("cancelled");
    assertThat(scheduler.queueDepth(pool)).isEqualTo(1);

    List<Dispatch> got = scheduler.take(pool, List.of(new WorkerCredit("w", 5)), 500);
    assertThat(got).extracting(Dispatch::taskId).containsExactly(submitted.get(1).id());
  }

  @Test
  void cancellingARunningTaskAsksItsWorkerAndIgnoresItsLateResult() throws Exception {
    String pool = newPool();
    Map<String, String> requests = new java.util.concurrent.ConcurrentHashMap<>();
    try (AutoCloseable sub = scheduler.onCancelRequest(requests::putAll)) {
      String id = scheduler.submit(tasks(fn(3), pool, 1)).get(0).id();
      Dispatch d = scheduler.take(pool, List.of(new WorkerCredit("w9", 1)), 1000).get(0);
      assertThat(scheduler.cancel(id).state()).isEqualTo(TaskState.CANCELLED);
      await().until(() -> "w9".equals(requests.get(id)));

      scheduler.complete(List.of(failed(d, "cancelled")));
      assertThat(scheduler.getTask(id).orElseThrow().state()).isEqualTo(TaskState.CANCELLED);
      assertThatThrownBy(() -> scheduler.cancel(id)).isInstanceOf(ConflictException.class);
    }
  }

  @Test
  void aDrainRequestIsAnnouncedAndWhatTheDrainedBlocksWorkerHeldGoesBackWithoutARetry()
      throws Exception {
    String pool = newPool();
    java.util.Set<String> announced = java.util.concurrent.ConcurrentHashMap.newKeySet();
    try (AutoCloseable sub = scheduler.onDrainRequest(announced::add)) {
      String id = scheduler.submit(tasks(fn(0), pool, 1)).get(0).id(); // no retries
      Dispatch d = scheduler.take(pool, List.of(new WorkerCredit("blk-d@0", 1)), 1000).get(0);
      scheduler.drainBlock("blk-d");
      await().until(() -> announced.contains("blk-d"));
      assertThat(scheduler.drainRequested(List.of("blk-d@0", "blk-e"))).containsExactly("blk-d@0");

      scheduler.workerLost("blk-d@0", Map.of(id, d.attempt()));
      Task back = scheduler.getTask(id).orElseThrow();
      assertThat(back.state()).isEqualTo(TaskState.QUEUED);
      assertThat(back.attemptErrors())
          .extracting(ErrorInfo::code)
          .containsExactly("worker_stopped");
    }
  }

  @Test
  void cancellingAnUnknownTaskIsNotFound() {
    assertThatThrownBy(() -> scheduler.cancel("tnothere.0")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void getTasksKeepsTheOrderOfIdsAndMarksUnknownOnes() {
    String pool = newPool();
    List<Task> a = scheduler.submit(tasks(fn(0), pool, 2));
    List<Task> b = scheduler.submit(tasks(fn(0), pool, 1));
    var got = scheduler.getTasks(List.of(b.get(0).id(), "tmissing.1", a.get(1).id()));
    assertThat(got.get(0)).map(Task::id).contains(b.get(0).id());
    assertThat(got.get(1)).isEmpty();
    assertThat(got.get(2)).map(Task::id).contains(a.get(1).id());
  }

  @Test
  void listsOneTenantsTasksNewestFirstInPages() throws Exception {
    String pool = newPool();
    FunctionDefinition f = fn(0);
    String tenant = "lister-" + System.nanoTime();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(
          scheduler
              .submit(List.of(new NewTask(tenant, f, RawJson.EMPTY_OBJECT, pool, 0)))
              .get(0)
              .id());
      Thread.sleep(2);
    }
    scheduler.submit(List.of(new NewTask("someone-else", f, RawJson.EMPTY_OBJECT, pool, 0)));

    TaskPage p1 = scheduler.listTasks(new TaskQuery(tenant, null, null, 2, null));
    TaskPage p2 = scheduler.listTasks(new TaskQuery(tenant, null, null, 2, p1.nextCursor()));
    TaskPage p3 = scheduler.listTasks(new TaskQuery(tenant, null, null, 2, p2.nextCursor()));

    List<String> seen = new ArrayList<>();
    for (TaskPage p : List.of(p1, p2, p3)) {
      p.tasks().forEach(t -> seen.add(t.id()));
    }
    List<String> newestFirst = new ArrayList<>(ids);
    Collections.reverse(newestFirst);
    assertThat(seen).containsExactlyElementsOf(newestFirst);
    assertThat(p3.nextCursor()).isNull();
    assertThat(
            scheduler.listTasks(new TaskQuery(tenant, TaskState.SUCCEEDED, null, 10, null)).tasks())
        .isEmpty();
  }

  @Test
  void refusesSubmissionsBeyondTheQueueLimit() {
    try (Scheduler small =
        Schedulers.member(
            SchedulerOptions.builder()
                .clusterName("gale-test-" + System.nanoTime())
                .port(0)
                .maxQueuedPerPool(5)
                .build())) {
      small.submit(tasks(fn(0), "p", 5));
      assertThatThrownBy(() -> small.submit(tasks(fn(0), "p", 1)))
          .isInstanceOf(BackPressureException.class)
          .hasMessageContaining("limit 5");
    }
  }

  @Test
  void aClientAndAMemberSeeTheSameTasks() throws Exception {
    SchedulerOptions memberOpts =
        SchedulerOptions.builder().clusterName("gale-test-" + System.nanoTime()).port(0).build();
    try (Scheduler member = Schedulers.member(memberOpts)) {
      var address =
          ((HazelcastScheduler) member).hazelcast().getCluster().getLocalMember().getAddress();
      try (Scheduler client =
          Schedulers.client(
              SchedulerOptions.builder()
                  .clusterName(memberOpts.clusterName())
                  .members(List.of(address.getHost() + ":" + address.getPort()))
                  .build())) {
        assertThat(client.isReady()).isTrue();
        assertThat(client.memberAddress()).isEmpty();
        assertThat(member.memberAddress())
            .contains(address.getHost() + ":" + address.getPort())
            .isNotEqualTo(Optional.of(address.getHost() + ":0"));
        List<Task> submitted = client.submit(tasks(fn(0), "p", 50));
        List<Dispatch> got = member.take("p", List.of(new WorkerCredit("w", 100)), 1000);
        assertThat(got).hasSize(50);
        client.complete(got.stream().map(HazelcastSchedulerIT::ok).toList());
        Set<TaskState> states = new HashSet<>();
        client
            .getTasks(submitted.stream().map(Task::id).toList())
            .forEach(t -> states.add(t.orElseThrow().state()));
        assertThat(states).containsExactly(TaskState.SUCCEEDED);
        assertThat(member.countByState().get(TaskState.SUCCEEDED)).isEqualTo(50);
      }
    }
  }

  @Test
  void aDeletedFunctionIsGoneForUsersButStillDispatchable() {
    FunctionDefinition f = fn(0);
    scheduler.putFunction(f);
    assertThat(scheduler.deleteFunction(f.id())).isTrue();
    assertThat(scheduler.getFunction(f.id())).isEmpty();
    assertThat(scheduler.listFunctions("acme"))
        .extracting(FunctionDefinition::id)
        .doesNotContain(f.id());
    assertThat(scheduler.getFunctionForDispatch(f.id())).contains(f);
    assertThat(scheduler.deleteFunction(f.id())).isFalse();
  }

  @Test
  void attemptsOfWorkersWhoseRegistrationExpiredAreGivenBack() throws Exception {
    try (Scheduler s =
        Schedulers.member(
            SchedulerOptions.builder()
                .clusterName("gale-test-" + System.nanoTime())
                .port(0)
                .workerTtlSeconds(1)
                .build())) {
      String pool = newPool();
      List<Task> submitted = s.submit(tasks(fn(1), pool, 2));
      s.putWorker(
          new dev.gale.api.WorkerInfo(
              "alive", pool, "n", 1, 1, "gw", Instant.now(), Instant.now()));
      s.take(pool, List.of(new WorkerCredit("alive", 1), new WorkerCredit("ghost", 1)), 1000);

      assertThat(s.recoverOrphans(java.time.Duration.ofMinutes(1))).isZero();
      assertThat(s.recoverOrphans(java.time.Duration.ZERO)).isEqualTo(1);
      assertThat(s.queueDepth(pool)).isEqualTo(1);

      await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(() -> s.recoverOrphans(java.time.Duration.ZERO) == 1);
      assertThat(s.queueDepth(pool)).isEqualTo(2);
      for (Task t : submitted) {
        Task now = s.getTask(t.id()).orElseThrow();
        assertThat(now.state()).isEqualTo(TaskState.QUEUED);
        assertThat(now.attemptErrors()).extracting(ErrorInfo::code).containsExactly("worker_lost");
      }
    }
  }

  @Test
  void higherPriorityRunsFirstAndEqualsKeepTheirOrder() throws Exception {
    String pool = newPool();
    FunctionDefinition f = fn(0);
    List<String> low =
        scheduler
            .submit(
                List.of(
                    new NewTask("acme", f, RawJson.EMPTY_OBJECT, pool, 0),
                    new NewTask("acme", f, RawJson.EMPTY_OBJECT, pool, 0)))
            .stream()
            .map(Task::id)
            .toList();
    String high =
        scheduler
            .submit(List.of(new NewTask("acme", f, RawJson.EMPTY_OBJECT, pool, 5)))
            .get(0)
            .id();
    String negative =
        scheduler
            .submit(List.of(new NewTask("acme", f, RawJson.EMPTY_OBJECT, pool, -3)))
            .get(0)
            .id();
    assertThat(scheduler.queueDepth(pool)).isEqualTo(4);
    assertThat(scheduler.queueDepths()).containsEntry(pool, 4L);

    List<String> order =
        scheduler.take(pool, List.of(new WorkerCredit("w", 3)), 1000).stream()
            .map(Dispatch::taskId)
            .toList();
    assertThat(order).containsExactly(high, low.get(0), low.get(1));
    assertThat(scheduler.take(pool, List.of(new WorkerCredit("w", 3)), 1000))
        .extracting(Dispatch::taskId)
        .containsExactly(negative);
  }

  @Test
  void aHighPriorityTaskWakesADispatcherWaitingOnAnEmptyPool() throws Exception {
    String pool = newPool();
    FunctionDefinition f = fn(0);
    scheduler.submit(List.of(new NewTask("acme", f, RawJson.EMPTY_OBJECT, pool, 9)));
    scheduler.take(pool, List.of(new WorkerCredit("w", 1)), 1000);

    Thread later =
        new Thread(
            () -> {
              try {
                Thread.sleep(300);
              } catch (InterruptedException e) {
                return;
              }
              scheduler.submit(List.of(new NewTask("acme", f, RawJson.EMPTY_OBJECT, pool, 9)));
            });
    later.start();
    List<Dispatch> got = scheduler.take(pool, List.of(new WorkerCredit("w", 1)), 5000);
    later.join();
    assertThat(got).hasSize(1);
  }

  @Test
  void aCancelledTaskOfAnyPriorityLeavesTheQueue() {
    String pool = newPool();
    FunctionDefinition f = fn(0);
    String id =
        scheduler
            .submit(List.of(new NewTask("acme", f, RawJson.EMPTY_OBJECT, pool, 2)))
            .get(0)
            .id();
    scheduler.cancel(id);
    assertThat(scheduler.queueDepth(pool)).isZero();
  }

  @Test
  void pagesThroughTasksCreatedInTheSameMillisecondWithoutGapsOrRepeats() {
    String tenant = "batcher-" + System.nanoTime();
    FunctionDefinition f = fn(0);
    List<NewTask> batch = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      batch.add(new NewTask(tenant, f, RawJson.EMPTY_OBJECT, newPool(), 0));
    }
    List<String> ids = new ArrayList<>(scheduler.submit(batch).stream().map(Task::id).toList());

    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      TaskPage p = scheduler.listTasks(new TaskQuery(tenant, null, null, 5, cursor));
      p.tasks().forEach(t -> seen.add(t.id()));
      cursor = p.nextCursor();
    } while (cursor != null);

    ids.sort(java.util.Comparator.reverseOrder());
    assertThat(seen).containsExactlyElementsOf(ids);
  }
}
