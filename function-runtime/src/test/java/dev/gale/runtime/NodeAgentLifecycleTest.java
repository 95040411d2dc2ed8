package dev.gale.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.protocol.Drain;
import dev.gale.api.protocol.TaskResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class NodeAgentLifecycleTest extends AgentFixture {

  @Test
  void drainFinishesRunningTasksHandsPrefetchedOnesBackDeliversResultsThenDisconnects()
      throws Exception {
    NodeAgent agent = startConnected(b -> b.slots(1).prefetch(1));
    gateway.send(
        batch(SLEEP, task("a", SLEEP, "{\"seconds\":0.3}"), task("b", SLEEP, "{\"seconds\":0.1}")));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> agent.activeTasks() == 2);
    gateway.send(new Drain());
    gateway.send(batch(ECHO, task("late", ECHO, "{}")));
    assertThat(agent.awaitTermination(Duration.ofSeconds(10))).isTrue();
    assertThat(gateway.awaitResult("a", Duration.ofSeconds(1)).ok()).isTrue();
    TaskResult prefetched = gateway.awaitResult("b", Duration.ofSeconds(1));
    assertThat(prefetched.error().code())
        .as("not started: handed back")
        .isEqualTo("worker_draining");
    TaskResult late = gateway.awaitResult("late", Duration.ofSeconds(1));
    assertThat(late.error().code()).isEqualTo("worker_draining");
    assertThat(agent.isConnected()).isFalse();
    Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> !gateway.hasSocket());
  }

  @Test
  void closeKillsWorkThatOutlivesTheDrainTimeoutAndReportsIt() {
    NodeAgent agent = startConnected(b -> b.drainTimeout(Duration.ofMillis(300)));
    gateway.send(batch(SLEEP, task("forever", SLEEP, "{\"seconds\":60}")));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> agent.activeTasks() == 1);
    long start = System.nanoTime();
    agent.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    assertThat(agent.isTerminated()).isTrue();
    assertThat(gateway.awaitResult("forever", Duration.ofSeconds(1)).error().code())
        .isEqualTo("worker_stopped");
  }

  @Test
  void agentStopsWhenItsParentProcessDies() throws Exception {
    Process parent = new ProcessBuilder("sleep", "60").start();
    NodeAgent agent = startConnected(b -> b.parentPid(parent.pid()));
    gateway.send(batch(SLEEP, task("orphan", SLEEP, "{\"seconds\":60}")));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> agent.activeTasks() == 1);
    parent.destroy();
    parent.waitFor(5, TimeUnit.SECONDS);
    assertThat(agent.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void temporaryWorkDirectoryIsDeletedAtClose() {
    NodeAgent agent = startConnected(b -> b.workDir(null));
    Path work = ((dev.gale.runtime.impl.DefaultNodeAgent) agent).workDir();
    assertThat(work).exists();
    agent.close();
    assertThat(Files.exists(work)).isFalse();
  }
}
