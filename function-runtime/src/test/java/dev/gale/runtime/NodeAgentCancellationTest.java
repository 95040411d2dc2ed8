package dev.gale.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.protocol.Cancel;
import dev.gale.api.protocol.FunctionSpec;
import dev.gale.api.protocol.TaskAssignment;
import dev.gale.api.protocol.TaskBatch;
import dev.gale.api.protocol.TaskResult;
import dev.gale.runtime.testfn.ConcurrencyProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class NodeAgentCancellationTest extends AgentFixture {

  @Test
  void neverRunsMoreTasksThanSlotsEvenWithFullCredit() {
    ConcurrencyProbe.MAX.set(0);
    FunctionSpec probe = java("probe", ConcurrencyProbe.class.getName(), null);
    startConnected(b -> b.slots(2).prefetch(3));
    List<TaskAssignment> tasks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      tasks.add(task("p" + i, probe, "{\"millis\":150}"));
    }
    gateway.send(new TaskBatch(List.of(probe), tasks));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.results().size() == 5);
    assertThat(gateway.results()).allMatch(TaskResult::ok);
    assertThat(ConcurrencyProbe.MAX.get()).isEqualTo(2);
  }

  @Test
  void cancelKillsTheRunningTaskAndDropsTheQueuedOneUnstarted() {
    NodeAgent agent = startConnected(b -> b.slots(1).prefetch(1));
    gateway.send(
        batch(
            SLEEP,
            task("running", SLEEP, "{\"seconds\":30}"),
            task("queued", SLEEP, "{\"seconds\":30}")));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> agent.activeTasks() == 2);
    long start = System.nanoTime();
    gateway.send(new Cancel(List.of("queued", "running", "unknown")));
    TaskResult queued = gateway.awaitResult("queued", Duration.ofSeconds(5));
    TaskResult running = gateway.awaitResult("running", Duration.ofSeconds(5));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(queued.error().code()).isEqualTo("cancelled");
    assertThat(queued.startedAt()).isNull();
    assertThat(running.error().code()).isEqualTo("cancelled");
    assertThat(running.startedAt()).isNotNull();
    Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> agent.activeTasks() == 0);
  }

  @Test
  void attemptLongerThanItsTimeoutFailsWithTimeout() {
    FunctionSpec slow = java("slow", "dev.gale.function.builtin.Sleep", 1);
    startConnected(b -> b);
    gateway.send(batch(slow, task("t", slow, "{\"seconds\":30}")));
    TaskResult r = gateway.awaitResult("t", Duration.ofSeconds(5));
    assertThat(r.error().code()).isEqualTo("timeout");
    assertThat(r.error().message()).contains("1 s");
    assertThat(Duration.between(r.startedAt(), r.finishedAt()))
        .isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
  }

  @Test
  void shellTaskIsKilledWhenCancelled() {
    FunctionSpec shell =
        new FunctionSpec(
            "sleep-sh",
            "shell",
            dev.gale.api.Json.readTree("{\"command\":[\"sleep\",\"{s}\"]}"),
            null);
    NodeAgent agent = startConnected(b -> b);
    gateway.send(batch(shell, task("sh", shell, "{\"s\":30}")));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> agent.activeTasks() == 1);
    gateway.send(new Cancel(List.of("sh")));
    assertThat(gateway.awaitResult("sh", Duration.ofSeconds(5)).error().code())
        .isEqualTo("cancelled");
  }
}
