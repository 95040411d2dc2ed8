package dev.gale.runtime.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.Json;
import dev.gale.api.RawJson;
import dev.gale.api.protocol.FunctionSpec;
import dev.gale.api.protocol.TaskAssignment;
import dev.gale.api.protocol.TaskBatch;
import dev.gale.api.protocol.TaskResult;
import dev.gale.runtime.spi.ArtifactSource;
import dev.gale.runtime.spi.FunctionKindRegistry;
import dev.gale.runtime.spi.KindEnvironment;
import dev.gale.runtime.spi.Limits;
import dev.gale.runtime.testfn.Stubborn;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskEngineTest {
  static final FunctionSpec SLEEP =
      new FunctionSpec(
          "sleep", "java", Json.object().put("class", "dev.gale.function.builtin.Sleep"), null);
  static final FunctionSpec STUBBORN =
      new FunctionSpec(
          "stubborn", "java", Json.object().put("class", Stubborn.class.getName()), null);

  @TempDir Path dir;
  ScheduledThreadPoolExecutor timer;
  FunctionKindRegistry kinds;
  final List<TaskResult> results = new CopyOnWriteArrayList<>();
  final Map<String, Boolean> urgency = new ConcurrentHashMap<>();
  TaskEngine engine;

  @BeforeEach
  void setUp() {
    timer = new ScheduledThreadPoolExecutor(1);
    kinds =
        FunctionKindRegistry.load(
            new KindEnvironment(dir, 1, "python3", ArtifactSource.NONE, timer));
    engine =
        new TaskEngine(
            1,
            dir,
            timer,
            Duration.ofMillis(300),
            (r, urgent) -> {
              urgency.put(r.taskId(), urgent);
              results.add(r);
            },
            () -> Limits.DEFAULT,
            new AttemptStaging(
                () -> {
                  throw new IllegalStateException("this test stages no data");
                }),
            new FunctionTable(kinds),
            () -> {});
    engine.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    Stubborn.release.countDown();
    engine.killAll();
    engine.stop(Duration.ofSeconds(2));
    kinds.close();
    timer.shutdownNow();
  }

  private static TaskAssignment task(String id, int attempt, FunctionSpec fn, String args) {
    return new TaskAssignment(id, attempt, fn.id(), RawJson.of(args));
  }

  private TaskResult await(String id) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> results.stream().anyMatch(r -> r.taskId().equals(id)));
    return results.stream().filter(r -> r.taskId().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void anAttemptThatIgnoresCancellationIsAbandonedAndItsSlotReplaced() {
    Stubborn.release = new CountDownLatch(1);
    engine.accept(
        new TaskBatch(
            List.of(STUBBORN, SLEEP),
            List.of(task("stuck", 1, STUBBORN, "{}"), task("after", 1, SLEEP, "{\"seconds\":0}"))));
    Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> engine.running() == 1);
    engine.cancel(List.of("stuck"));
    TaskResult stuck = await("stuck");
    assertThat(stuck.error().code()).isEqualTo("cancelled");
    assertThat(stuck.error().message()).contains("abandoned");
    assertThat(await("after").ok()).isTrue();
    assertThat(engine.threadCount()).isEqualTo(1);
    Stubborn.release.countDown();
    Awaitility.await().pollDelay(Duration.ofMillis(100)).until(() -> true);
    assertThat(results).hasSize(2);
  }

  @Test
  void resultsAreUrgentOnlyOnceTheQueueHoldsLessThanASlotsWorth() {
    String zero = "{\"seconds\":0}";
    engine.accept(
        new TaskBatch(
            List.of(SLEEP),
            List.of(
                task("a", 1, SLEEP, zero), task("b", 1, SLEEP, zero), task("c", 1, SLEEP, zero))));
    await("c");
    assertThat(urgency)
        .as("a and b leave work queued for the one slot; c leaves none")
        .containsEntry("a", false)
        .containsEntry("b", false)
        .containsEntry("c", true);
  }

  @Test
  void theSameAssignmentTwiceRunsOnce() {
    TaskAssignment t = task("dup", 1, SLEEP, "{\"seconds\":0.1}");
    engine.accept(new TaskBatch(List.of(SLEEP), List.of(t)));
    engine.accept(new TaskBatch(List.of(SLEEP), List.of(t)));
    await("dup");
    Awaitility.await().pollDelay(Duration.ofMillis(300)).until(() -> true);
    assertThat(results).hasSize(1);
  }

  @Test
  void aNewerAttemptSupersedesTheOlderOne() {
    engine.accept(new TaskBatch(List.of(SLEEP), List.of(task("t", 1, SLEEP, "{\"seconds\":30}"))));
    Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> engine.running() == 1);
    engine.accept(new TaskBatch(List.of(SLEEP), List.of(task("t", 2, SLEEP, "{\"seconds\":0}"))));
    TaskResult r = await("t");
    assertThat(r.attempt()).isEqualTo(2);
    assertThat(r.ok()).isTrue();
    Awaitility.await().pollDelay(Duration.ofMillis(200)).until(() -> true);
    assertThat(results).hasSize(1);
  }

  @Test
  void tasksArrivingAfterDrainStartedAreReportedWithoutRunning() {
    engine.stopAccepting();
    engine.accept(new TaskBatch(List.of(SLEEP), List.of(task("late", 1, SLEEP, "{}"))));
    TaskResult r = await("late");
    assertThat(r.error().code()).isEqualTo("worker_draining");
    assertThat(r.startedAt()).isNull();
  }

  @Test
  void aDrainFinishesTheRunningTaskAndHandsThePrefetchedOnesBack() {
    engine.accept(
        new TaskBatch(
            List.of(SLEEP),
            List.of(
                task("running", 1, SLEEP, "{\"seconds\":0.5}"),
                task("prefetched-1", 1, SLEEP, "{\"seconds\":0}"),
                task("prefetched-2", 1, SLEEP, "{\"seconds\":0}"))));
    Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> engine.running() == 1);
    engine.stopAccepting();
    for (String id : List.of("prefetched-1", "prefetched-2")) {
      TaskResult r = await(id);
      assertThat(r.error().code()).isEqualTo("worker_draining");
      assertThat(r.startedAt()).as("never started").isNull();
    }
    assertThat(await("running").ok()).isTrue();
    assertThat(engine.isIdle()).isTrue();
    assertThat(results).hasSize(3);
  }

  @Test
  void killAllReportsQueuedAndRunningTasksAsWorkerStopped() throws Exception {
    engine.accept(
        new TaskBatch(
            List.of(SLEEP),
            List.of(
                task("r", 1, SLEEP, "{\"seconds\":30}"), task("q", 1, SLEEP, "{\"seconds\":30}"))));
    Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> engine.running() == 1);
    engine.killAll();
    assertThat(await("q").error().code()).isEqualTo("worker_stopped");
    assertThat(await("r").error().code()).isEqualTo("worker_stopped");
    assertThat(engine.awaitIdle(Duration.ofSeconds(2))).isTrue();
  }

  @Test
  void oversizedResultsAreReplacedByResultTooLarge() {
    var ok = dev.gale.runtime.spi.AttemptOutcome.success(RawJson.of("\"" + "é".repeat(40) + "\""));
    assertThat(AttemptRunner.bounded(ok, 200).ok()).isTrue();
    var failed = AttemptRunner.bounded(ok, 60);
    assertThat(failed.ok()).isFalse();
    assertThat(((dev.gale.runtime.spi.AttemptOutcome.Failure) failed).error().code())
        .isEqualTo("result_too_large");
  }
}
