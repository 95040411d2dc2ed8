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
  void aPreparedAgentConnectsOnlyWhenToldAndRunsTasksThen() throws Exception {
    NodeAgent agent =
        NodeAgent.prepare(
            NodeAgentOptions.builder()
                .gatewayUrl(gateway.url())
                .token("worker-secret")
                .slots(1)
                .workDir(dir.resolve("prepared"))
                .build());
    agents.add(agent);
    assertThat(dir.resolve("prepared")).isDirectory();
    Thread.sleep(300); // it would have connected by now if it dialled on its own
    assertThat(gateway.connections.get()).isZero();
    assertThat(agent.isConnected()).isFalse();

    agent.connect();
    agent.connect(); // idempotent
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(agent::isConnected);
    gateway.send(batch(ECHO, task("t1", ECHO, "{\"v\":1}")));
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> gateway.results().stream().anyMatch(r -> r.taskId().equals("t1")));
    assertThat(gateway.connections.get()).isEqualTo(1);
  }

  @Test
  void aPreparedAgentThatNeverConnectedClosesWithoutADrainAndDeletesItsTemporaryWorkDir()
      throws Exception {
    NodeAgent agent =
        NodeAgent.prepare(
            NodeAgentOptions.builder()
                .gatewayUrl(gateway.url())
                .token("worker-secret")
                .drainTimeout(Duration.ofSeconds(30))
                .build());
    Path work = ((dev.gale.runtime.impl.DefaultNodeAgent) agent).workDir();
    assertThat(work).exists();
    long t0 = System.nanoTime();
    agent.close();
    // nothing to drain: it does not sit out the drain timeout
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
    assertThat(agent.awaitTermination(Duration.ofSeconds(1))).isTrue();
    assertThat(Files.exists(work)).isFalse();
    assertThat(gateway.connections.get()).isZero();
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
