package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.map.ReachedMaxSizeException;
import dev.gale.api.ErrorInfo;
import dev.gale.api.FunctionDefinition;
import dev.gale.api.Json;
import dev.gale.api.RawJson;
import dev.gale.api.Role;
import dev.gale.api.Task;
import dev.gale.api.TaskState;
import dev.gale.api.TokenRecord;
import dev.gale.scheduler.Dispatch;
import dev.gale.scheduler.NewTask;
import dev.gale.scheduler.Outcome;
import dev.gale.scheduler.Scheduler;
import dev.gale.scheduler.SchedulerOptions;
import dev.gale.scheduler.Schedulers;
import dev.gale.scheduler.WorkerCredit;
import dev.gale.scheduler.testing.TestDatabases;
import dev.gale.scheduler.testing.TestFunctions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scheduler members with a durable store, stopped and started again on the same database (embedded
 * H2 and a real PostgreSQL): what was registered, finished or still to do survives a full restart.
 */
class DurableSchedulerIT {
  @TempDir static Path tmp;
  private static TestDatabases databases;

  @BeforeAll
  static void setUp() {
    databases = new TestDatabases(tmp);
  }

  @AfterAll
  static void tearDown() {
    databases.close();
  }

  private static SchedulerOptions options(StoreOptions store) {
    return SchedulerOptions.forTests(store);
  }

  private static FunctionDefinition fn(int retries) {
    return TestFunctions.echo("acme", retries, Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }

  private static List<NewTask> tasks(FunctionDefinition f, String pool, int n, int priority) {
    return IntStream.range(0, n)
        .mapToObj(i -> new NewTask("acme", f, RawJson.of("{\"i\":" + i + "}"), pool, priority))
        .toList();
  }

  private static Outcome ok(Dispatch d) {
    return new Outcome(
        d.taskId(), d.attempt(), d.workerId(), true, d.args(), null, null, Instant.now());
  }

  private static List<String> ids(List<?> items) {
    return items.stream().map(o -> o instanceof Task t ? t.id() : ((Dispatch) o).taskId()).toList();
  }

  @ParameterizedTest
  @EnumSource(names = {"EMBEDDED", "POSTGRESQL"})
  void aFullRestartKeepsTheRegistryAndResultsAndRunsWhatWasNotDone(StoreKind kind)
      throws Exception {
    SchedulerOptions opts = options(databases.fresh(kind).build());
    FunctionDefinition f = fn(1);
    FunctionDefinition deleted = fn(0);
    TokenRecord token =
        new TokenRecord("hash-" + UUID.randomUUID(), "acme", Role.USER, null, Instant.EPOCH);
    byte[] jar = {1, 2, 3, 4};
    String pool = "p";
    List<String> done;
    List<String> running;
    List<String> queued;
    String urgent;
    String cancelled;
    try (Scheduler a = Schedulers.member(opts)) {
      a.putFunction(f);
      a.putFunction(deleted);
      a.deleteFunction(deleted.id());
      a.putToken(token);
      a.putArtifact("sha256:abc", jar);
      a.putPool(pool, Json.object().put("provider", "local").put("maxBlocks", 3));
      List<Task> submitted = a.submit(tasks(f, pool, 6, 0));
      List<Dispatch> taken = a.take(pool, List.of(new WorkerCredit("w1", 4)), 1000);
      assertThat(taken).hasSize(4);
      a.complete(List.of(ok(taken.get(0)), ok(taken.get(1))));
      done = ids(taken.subList(0, 2));
      running = ids(taken.subList(2, 4));
      queued = ids(submitted.subList(4, 6));
      urgent = a.submit(tasks(f, pool, 1, 5)).get(0).id();
      cancelled = a.submit(tasks(f, "other", 1, 0)).get(0).id();
      a.cancel(cancelled);
    }

    try (Scheduler b = Schedulers.member(opts)) {
      assertThat(b.getFunction(f.id())).contains(f);
      assertThat(b.listFunctions("acme")).containsExactly(f);
      assertThat(b.getFunction(deleted.id())).isEmpty();
      assertThat(b.getFunctionForDispatch(deleted.id())).contains(deleted);
      assertThat(b.findToken(token.hash())).contains(token);
      assertThat(b.getArtifact("sha256:abc")).hasValueSatisfying(v -> assertThat(v).isEqualTo(jar));
      assertThat(b.pools().get(pool).get("maxBlocks").asInt()).isEqualTo(3);
      for (String id : done) {
        Task t = b.getTask(id).orElseThrow();
        assertThat(t.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(t.result().toTree().has("i")).isTrue();
        assertThat(t.finishedAt()).isNotNull();
      }
      assertThat(b.getTask(cancelled).orElseThrow().state()).isEqualTo(TaskState.CANCELLED);
      assertThat(b.queueDepth("other")).isZero();

      // queued tasks are back in their ready queues, highest priority first, in their old order
      assertThat(b.queueDepth(pool)).isEqualTo(3);
      List<Dispatch> again = b.take(pool, List.of(new WorkerCredit("w2", 10)), 1000);
      assertThat(ids(again)).containsExactly(urgent, queued.get(0), queued.get(1));
      assertThat(again).allMatch(d -> d.attempt() == 1);
      b.complete(again.stream().map(DurableSchedulerIT::ok).toList());

      // running attempts of the gone worker come back once the orphan grace has passed
      assertThat(b.recoverOrphans(Duration.ofHours(1))).isZero();
      assertThat(b.recoverOrphans(Duration.ZERO)).isEqualTo(2);
      for (String id : running) {
        Task t = b.getTask(id).orElseThrow();
        assertThat(t.state()).isEqualTo(TaskState.QUEUED);
        assertThat(t.attemptErrors()).extracting(ErrorInfo::code).containsExactly("worker_lost");
      }
      List<Dispatch> retried = b.take(pool, List.of(new WorkerCredit("w2", 10)), 1000);
      assertThat(ids(retried)).containsExactlyInAnyOrderElementsOf(running);
      assertThat(retried).allMatch(d -> d.attempt() == 2);

      b.complete(retried.stream().map(DurableSchedulerIT::ok).toList());
      assertThat(b.countByState().get(TaskState.SUCCEEDED)).isEqualTo(7);
      assertThat(b.queueDepth(pool)).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"EMBEDDED", "POSTGRESQL"})
  void closingWritesWhatWasChangedJustBefore(StoreKind kind) {
    StoreOptions store = databases.fresh(kind).writeDelaySeconds(3600).build();
    FunctionDefinition f = fn(0);
    String taskId;
    try (JdbcStore db = JdbcStore.open(store)) {
      try (Scheduler a = Schedulers.member(options(store))) {
        a.putFunction(f);
        taskId = a.submit(tasks(f, "p", 1, 0)).get(0).id();
        // an hour of write delay: nothing has reached the database yet
        assertThat(db.read(StoredMap.FUNCTIONS, f.id())).isNull();
        assertThat(db.read(StoredMap.TASKS, taskId)).isNull();
      }
      assertThat(db.read(StoredMap.FUNCTIONS, f.id())).isNotNull();
      assertThat(db.read(StoredMap.TASKS, taskId)).isNotNull();
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"EMBEDDED", "POSTGRESQL"})
  void anOldFinishedTaskIsReadFromTheDatabaseWhenAskedForById(StoreKind kind) throws Exception {
    SchedulerOptions opts = options(databases.fresh(kind).maxFinishedTasksLoaded(0).build());
    FunctionDefinition f = fn(0);
    List<String> finished;
    try (Scheduler a = Schedulers.member(opts)) {
      a.submit(tasks(f, "p", 3, 0));
      List<Dispatch> taken = a.take("p", List.of(new WorkerCredit("w", 3)), 1000);
      a.complete(taken.stream().map(DurableSchedulerIT::ok).toList());
      finished = ids(taken);
    }
    try (Scheduler b = Schedulers.member(opts)) {
      // not loaded at start ...
      assertThat(b.countByState().get(TaskState.SUCCEEDED)).isZero();
      // ... but found by id, one at a time or several at once
      assertThat(b.getTask(finished.get(0)).orElseThrow().state()).isEqualTo(TaskState.SUCCEEDED);
      List<Optional<Task>> rest = b.getTasks(List.of(finished.get(1), "tnone.0", finished.get(2)));
      assertThat(rest.get(0)).map(Task::state).contains(TaskState.SUCCEEDED);
      assertThat(rest.get(1)).isEmpty();
      assertThat(rest.get(2)).map(Task::state).contains(TaskState.SUCCEEDED);
    }
  }

  @Test
  void withoutCoalescingTheWriteBehindBoundRefusesChangesBeyondIt() {
    StoreOptions store =
        databases
            .fresh(StoreKind.EMBEDDED)
            .writeCoalescing(false)
            .writeBehindQueueCapacity(5)
            .writeDelaySeconds(3600)
            .build();
    try (Scheduler a = Schedulers.member(options(store))) {
      for (int i = 0; i < 5; i++) {
        a.putFunction(fn(0));
      }
      FunctionDefinition sixth = fn(0);
      assertThatThrownBy(() -> a.putFunction(sixth))
          .isInstanceOf(ReachedMaxSizeException.class)
          .hasMessageContaining("write-behind");
      assertThat(a.getFunction(sixth.id())).isEmpty();
    }
  }

  @Test
  void aClusterRestartQueuesEachTaskOnceWhateverMemberLoadedTheMap() throws Exception {
    StoreOptions store = databases.fresh(StoreKind.EMBEDDED).build();
    int portA = freePort();
    int portB = freePort();
    List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
    String cluster = "gale-test-" + UUID.randomUUID();
    SchedulerOptions a = member(cluster, portA, members, store);
    SchedulerOptions b = member(cluster, portB, members, store);
    FunctionDefinition f = fn(0);
    List<String> queued;
    try (Scheduler ma = Schedulers.member(a);
        Scheduler mb = Schedulers.member(b)) {
      queued = new ArrayList<>(ids(ma.submit(tasks(f, "p", 40, 0))));
      queued.addAll(ids(mb.submit(tasks(f, "p", 40, 0))));
      assertThat(mb.queueDepth("p")).isEqualTo(80);
    }
    try (Scheduler ma = Schedulers.member(a);
        Scheduler mb = Schedulers.member(b)) {
      assertThat(ma.queueDepth("p")).isEqualTo(80);
      assertThat(mb.queueDepth("p")).isEqualTo(80);
      List<Dispatch> got = mb.take("p", List.of(new WorkerCredit("w", 200)), 1000);
      assertThat(got).hasSize(80);
      assertThat(ids(got)).containsExactlyInAnyOrderElementsOf(queued);
    }
  }

  private static SchedulerOptions member(
      String cluster, int port, List<String> members, StoreOptions store) {
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
