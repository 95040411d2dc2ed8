package dev.gale.scheduler.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.map.IMap;
import dev.gale.api.FunctionDefinition;
import dev.gale.api.RawJson;
import dev.gale.api.Task;
import dev.gale.api.TaskState;
import dev.gale.scheduler.NewTask;
import dev.gale.scheduler.Outcome;
import dev.gale.scheduler.SchedulerOptions;
import dev.gale.scheduler.WorkerCredit;
import dev.gale.scheduler.testing.TestFunctions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The periodic queries (running attempts per worker, the orphan sweep) start from the task map's
 * state index, and their answers stay exact while tasks change state and when a member dies.
 */
class StateIndexIT {

  private static FunctionDefinition fn() {
    return TestFunctions.echo("acme", 0, Instant.now());
  }

  /** {@code batches} batches of {@code perBatch} tasks (each batch lives in its own partition). */
  private static List<Task> submit(
      HazelcastScheduler s, FunctionDefinition f, String pool, int batches, int perBatch) {
    List<Task> out = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      List<NewTask> batch = new ArrayList<>();
      for (int i = 0; i < perBatch; i++) {
        batch.add(new NewTask("acme", f, RawJson.of("{\"i\":" + i + "}"), pool, 0));
      }
      out.addAll(s.submit(batch));
    }
    return out;
  }

  private static long indexedQueries(HazelcastScheduler s) {
    IMap<String, TaskRecord> tasks = s.hazelcast().getMap(HazelcastScheduler.TASKS);
    return tasks
        .getLocalMapStats()
        .getIndexStats()
        .get(TaskQueries.STATE_INDEX.getName())
        .getQueryCount();
  }

  @Test
  void runningAttemptsAndSweepsAreAnsweredFromTheStateIndex() throws Exception {
    try (HazelcastScheduler s =
        (HazelcastScheduler) HazelcastScheduler.startMember(SchedulerOptions.forTests())) {
      FunctionDefinition f = fn();
      submit(s, f, "idx", 10, 20);
      var taken =
          s.take("idx", List.of(new WorkerCredit("w1", 30), new WorkerCredit("w2", 20)), 1_000);
      assertThat(taken).hasSize(50);
      long before = indexedQueries(s);

      assertThat(s.runningByWorker()).isEqualTo(Map.of("idx", Map.of("w1", 30, "w2", 20)));
      assertThat(indexedQueries(s)).isGreaterThan(before);

      // half of w1's attempts end, w2 is lost: the counts follow the transitions at once
      List<Outcome> done = new ArrayList<>();
      for (var d : taken) {
        if (d.workerId().equals("w1") && done.size() < 15) {
          done.add(
              new Outcome(
                  d.taskId(), d.attempt(), "w1", true, RawJson.of("1"), null, null, Instant.now()));
        }
      }
      s.complete(done);
      Map<String, Integer> lostAttempts = new java.util.HashMap<>();
      taken.stream()
          .filter(d -> d.workerId().equals("w2"))
          .forEach(d -> lostAttempts.put(d.taskId(), d.attempt()));
      s.workerLost("w2", lostAttempts);
      assertThat(s.runningByWorker()).isEqualTo(Map.of("idx", Map.of("w1", 15)));
      Map<TaskState, Long> counts = s.countByState();
      assertThat(counts.get(TaskState.RUNNING)).isEqualTo(15);
      assertThat(counts.get(TaskState.SUCCEEDED)).isEqualTo(15);
      assertThat(counts.get(TaskState.FAILED)).isEqualTo(20);
      assertThat(counts.get(TaskState.QUEUED)).isEqualTo(150);

      // the sweep finds w1's attempts through the index: w1 is not registered, so all 15 go back
      before = indexedQueries(s);
      assertThat(s.recoverOrphans(Duration.ZERO)).isEqualTo(15);
      assertThat(indexedQueries(s)).isGreaterThan(before);
      assertThat(s.runningByWorker()).isEmpty();
      assertThat(s.countByState().get(TaskState.FAILED)).isEqualTo(35);
    }
  }

  @Test
  void answersStayExactWhenAMemberDies() throws Exception {
    String cluster = "gale-test-" + UUID.randomUUID();
    int p1 = freePort();
    int p2 = freePort();
    List<String> members = List.of("127.0.0.1:" + p1, "127.0.0.1:" + p2);
    HazelcastScheduler a =
        (HazelcastScheduler) HazelcastScheduler.startMember(member(cluster, p1, members));
    HazelcastScheduler b =
        (HazelcastScheduler) HazelcastScheduler.startMember(member(cluster, p2, members));
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> a.hazelcast().getCluster().getMembers().size() == 2 && a.isReady());
      FunctionDefinition f = fn();
      submit(a, f, "fo", 40, 5);
      assertThat(a.take("fo", List.of(new WorkerCredit("w1", 60)), 1_000)).hasSize(60);
      assertThat(b.runningByWorker()).isEqualTo(Map.of("fo", Map.of("w1", 60)));

      b.hazelcast().getLifecycleService().terminate();

      // the partitions b owned are promoted from a's backups, their index entries with them
      await()
          .atMost(Duration.ofSeconds(120))
          .untilAsserted(
              () -> {
                assertThat(a.runningByWorker()).isEqualTo(Map.of("fo", Map.of("w1", 60)));
                Map<TaskState, Long> counts = a.countByState();
                assertThat(counts.get(TaskState.RUNNING)).isEqualTo(60);
                assertThat(counts.get(TaskState.QUEUED)).isEqualTo(140);
              });
      assertThat(a.recoverOrphans(Duration.ZERO)).isEqualTo(60);
      assertThat(a.runningByWorker()).isEmpty();
    } finally {
      b.close();
      a.close();
    }
  }

  @Test
  void finishedRecordsLeaveMemoryOnBackupsTooAfterAMemberDies() throws Exception {
    String cluster = "gale-test-" + UUID.randomUUID();
    int p1 = freePort();
    int p2 = freePort();
    List<String> members = List.of("127.0.0.1:" + p1, "127.0.0.1:" + p2);
    dev.gale.scheduler.store.StoreOptions store =
        dev.gale.scheduler.store.StoreOptions.builder()
            .finishedInMemory(Duration.ofSeconds(1))
            .retention(Duration.ofSeconds(4))
            .build();
    HazelcastScheduler a =
        (HazelcastScheduler) HazelcastScheduler.startMember(member(cluster, p1, members, store));
    HazelcastScheduler b =
        (HazelcastScheduler) HazelcastScheduler.startMember(member(cluster, p2, members, store));
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> a.hazelcast().getCluster().getMembers().size() == 2 && a.isReady());
      FunctionDefinition f = fn();
      submit(a, f, "exp", 20, 2);
      var taken = a.take("exp", List.of(new WorkerCredit("w1", 40)), 1_000);
      assertThat(taken).hasSize(40);
      // ended on both members (owners and backups run the same processor, with the same TTL)
      a.complete(
          taken.stream()
              .map(
                  d ->
                      new Outcome(
                          d.taskId(),
                          d.attempt(),
                          "w1",
                          true,
                          RawJson.of("1"),
                          null,
                          null,
                          Instant.now()))
              .toList());
      assertThat(a.countByState().get(TaskState.SUCCEEDED)).isEqualTo(40);
      b.hazelcast().getLifecycleService().terminate();
      // the promoted backups expire like the records they copy: gone after the retention
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(a.countByState().get(TaskState.SUCCEEDED)).isZero();
                assertThat(a.getTask(taken.get(0).taskId())).isEmpty();
              });
    } finally {
      b.close();
      a.close();
    }
  }

  private static SchedulerOptions member(String cluster, int port, List<String> members) {
    return member(cluster, port, members, dev.gale.scheduler.store.StoreOptions.none());
  }

  private static SchedulerOptions member(
      String cluster, int port, List<String> members, dev.gale.scheduler.store.StoreOptions store) {
    return SchedulerOptions.builder()
        .clusterName(cluster)
        .port(port)
        .members(members)
        .store(store)
        .build();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
