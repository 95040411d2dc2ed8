package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gale.api.FunctionDefinition;
import dev.gale.api.RawJson;
import dev.gale.api.Task;
import dev.gale.api.TaskState;
import dev.gale.scheduler.Dispatch;
import dev.gale.scheduler.NewTask;
import dev.gale.scheduler.Outcome;
import dev.gale.scheduler.Scheduler;
import dev.gale.scheduler.SchedulerOptions;
import dev.gale.scheduler.Schedulers;
import dev.gale.scheduler.TaskPage;
import dev.gale.scheduler.TaskQuery;
import dev.gale.scheduler.WorkerCredit;
import dev.gale.scheduler.testing.TestDatabases;
import dev.gale.scheduler.testing.TestFunctions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Finished tasks leave the cluster's memory after {@code finishedInMemory} and stay readable and
 * listed from the database until their retention, then are gone; without a database they stay in
 * memory for the retention. Real members on embedded H2 and a real PostgreSQL.
 */
class FinishedTasksIT {
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

  private static List<NewTask> tasks(FunctionDefinition f, int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> new NewTask("acme", f, RawJson.of("{\"i\":" + i + "}"), "p", 0))
        .toList();
  }

  /** Runs every queued task of pool p to success; returns their ids. */
  private static List<String> runAll(Scheduler s) throws InterruptedException {
    List<Dispatch> taken = s.take("p", List.of(new WorkerCredit("w", 100)), 1000);
    s.complete(
        taken.stream()
            .map(
                d ->
                    new Outcome(
                        d.taskId(), d.attempt(), "w", true, d.args(), null, null, Instant.now()))
            .toList());
    return taken.stream().map(Dispatch::taskId).toList();
  }

  private static long inMemory(Scheduler s, TaskState state) {
    return s.countByState().get(state);
  }

  /** Every task of the tenant through pages of {@code limit}, in the order the pages give. */
  private static List<Task> listAll(Scheduler s, TaskState state, int limit) {
    List<Task> all = new ArrayList<>();
    String cursor = null;
    do {
      TaskPage page = s.listTasks(new TaskQuery("acme", state, null, limit, cursor));
      assertThat(page.tasks()).hasSizeLessThanOrEqualTo(limit);
      all.addAll(page.tasks());
      cursor = page.nextCursor();
    } while (cursor != null);
    return all;
  }

  private static final Comparator<Task> NEWEST_FIRST =
      Comparator.comparing(Task::createdAt).thenComparing(Task::id).reversed();

  @ParameterizedTest
  @EnumSource(names = {"EMBEDDED", "POSTGRESQL"})
  void finishedTasksLeaveMemoryAndAreStillReadAndListedFromTheDatabase(StoreKind kind)
      throws Exception {
    StoreOptions store = databases.fresh(kind).finishedInMemory(Duration.ofSeconds(1)).build();
    FunctionDefinition f =
        TestFunctions.echo("acme", 0, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    List<String> all = new ArrayList<>();
    String cancelled;
    String queued;
    try (Scheduler s = Schedulers.member(options(store))) {
      s.putFunction(f);
      all.addAll(s.submit(tasks(f, 4)).stream().map(Task::id).toList());
      List<String> done = new ArrayList<>(runAll(s));
      Thread.sleep(5); // a later creation time for the next batch
      all.addAll(s.submit(tasks(f, 3)).stream().map(Task::id).toList());
      done.addAll(runAll(s));
      cancelled = s.submit(tasks(f, 1)).get(0).id();
      s.cancel(cancelled);
      queued = s.submit(tasks(f, 1)).get(0).id();
      all.add(cancelled);
      all.add(queued);
      assertThat(inMemory(s, TaskState.SUCCEEDED)).isEqualTo(7);

      // a second after finishing they are out of memory; the queued one is not
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> inMemory(s, TaskState.SUCCEEDED) == 0 && inMemory(s, TaskState.CANCELLED) == 0);
      assertThat(inMemory(s, TaskState.QUEUED)).isEqualTo(1);
      // the write-behind writes a change a second or two after it, so with finishedInMemory as
      // short as the write delay a task may leave memory before its row is written (it is
      // written all the same): wait for the rows before listing
      try (JdbcStore db = JdbcStore.open(store)) {
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> db.finishedTasks("acme", null, null, Long.MAX_VALUE, null, 100).size() == 8);
      }

      // listings merge memory and database: every task once, newest first, across pages
      List<Task> listed = listAll(s, null, 2);
      assertThat(listed).extracting(Task::id).containsExactlyInAnyOrderElementsOf(all);
      assertThat(listed).isSortedAccordingTo(NEWEST_FIRST);
      assertThat(listAll(s, TaskState.SUCCEEDED, 3))
          .extracting(Task::id)
          .containsExactlyInAnyOrderElementsOf(done);
      assertThat(listAll(s, TaskState.CANCELLED, 10))
          .extracting(Task::id)
          .containsExactly(cancelled);
      assertThat(listAll(s, TaskState.QUEUED, 10)).extracting(Task::id).containsExactly(queued);
      assertThat(s.listTasks(new TaskQuery("acme", null, "fn-none", 10, null)).tasks()).isEmpty();

      // read by id from the database, with its result; held a moment, then out of memory again
      Task t = s.getTask(done.get(0)).orElseThrow();
      assertThat(t.state()).isEqualTo(TaskState.SUCCEEDED);
      assertThat(t.result().toTree().has("i")).isTrue();
      assertThat(s.getTasks(done.subList(1, 3))).allMatch(o -> o.isPresent());
      await().atMost(Duration.ofSeconds(20)).until(() -> inMemory(s, TaskState.SUCCEEDED) == 0);
      // a new task may depend on a finished task that left memory
      Task downstream =
          s.submit(
                  List.of(
                      new NewTask(
                          "acme",
                          f,
                          RawJson.of("{\"up\":{\"$task\":\"" + done.get(3) + "\"}}"),
                          "p",
                          0)))
              .get(0);
      assertThat(downstream.state()).isEqualTo(TaskState.QUEUED);
      all.add(downstream.id());
    }

    // after a full restart (nothing finished is loaded: older than a second) the listing is whole
    try (Scheduler s = Schedulers.member(options(store))) {
      assertThat(inMemory(s, TaskState.SUCCEEDED)).isZero();
      assertThat(listAll(s, null, 4)).extracting(Task::id).containsExactlyInAnyOrderElementsOf(all);
    }
  }

  @Test
  void aClientOfTheClusterListsFinishedTasksFromTheMembersDatabase() throws Exception {
    StoreOptions store =
        databases.fresh(StoreKind.EMBEDDED).finishedInMemory(Duration.ofSeconds(1)).build();
    SchedulerOptions memberOptions = options(store);
    FunctionDefinition f =
        TestFunctions.echo("acme", 0, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    try (Scheduler member = Schedulers.member(memberOptions);
        Scheduler client =
            Schedulers.client(
                SchedulerOptions.builder()
                    .clusterName(memberOptions.clusterName())
                    .members(List.of(member.memberAddress().orElseThrow()))
                    .build());
        JdbcStore db = JdbcStore.open(store)) {
      client.putFunction(f);
      List<String> ids = client.submit(tasks(f, 3)).stream().map(Task::id).toList();
      List<String> done = runAll(client);
      assertThat(done).containsExactlyInAnyOrderElementsOf(ids);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  client.countByState().get(TaskState.SUCCEEDED) == 0
                      && db.finishedTasks("acme", null, null, Long.MAX_VALUE, null, 10).size()
                          == 3);
      assertThat(listAll(client, null, 2))
          .extracting(Task::id)
          .containsExactlyInAnyOrderElementsOf(ids);
      assertThat(client.getTask(ids.get(0))).map(Task::state).contains(TaskState.SUCCEEDED);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"EMBEDDED", "POSTGRESQL"})
  void tasksPastTheirRetentionAreDeletedUnfinishedOnesStay(StoreKind kind) throws Exception {
    StoreOptions store =
        databases
            .fresh(kind)
            .finishedInMemory(Duration.ofSeconds(1))
            .retention(Duration.ofSeconds(2))
            .build();
    FunctionDefinition f =
        TestFunctions.echo("acme", 0, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    try (JdbcStore db = JdbcStore.open(store);
        Scheduler s = Schedulers.member(options(store))) {
      s.putFunction(f);
      s.submit(tasks(f, 2));
      List<String> done = runAll(s);
      String queued = s.submit(tasks(f, 1)).get(0).id();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> db.read(StoredMap.TASKS, done.get(0)) != null);
      // the sweep (every second here) deletes them two seconds after they finished
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  done.stream().allMatch(id -> db.read(StoredMap.TASKS, id) == null)
                      && s.getTask(done.get(0)).isEmpty());
      assertThat(s.getTask(done.get(1))).isEmpty();
      assertThat(s.listTasks(new TaskQuery("acme", null, null, 10, null)).tasks())
          .extracting(Task::id)
          .containsExactly(queued);
      assertThat(db.read(StoredMap.TASKS, queued)).isNotNull();
      assertThat(s.getTask(queued)).map(Task::state).contains(TaskState.QUEUED);
    }
  }

  @Test
  void withoutADatabaseFinishedTasksStayInMemoryForTheRetention() throws Exception {
    StoreOptions store =
        StoreOptions.builder()
            .finishedInMemory(Duration.ofSeconds(1))
            .retention(Duration.ofSeconds(3))
            .build();
    FunctionDefinition f =
        TestFunctions.echo("acme", 0, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    try (Scheduler s = Schedulers.member(options(store))) {
      s.putFunction(f);
      s.submit(tasks(f, 2));
      List<String> done = runAll(s);
      String queued = s.submit(tasks(f, 1)).get(0).id();
      long finished = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> s.getTask(done.get(0)).isEmpty() && s.getTask(done.get(1)).isEmpty());
      // not after finishedInMemory (there is nothing to read them back from) but the retention
      assertThat(Duration.ofNanos(System.nanoTime() - finished))
          .isGreaterThan(Duration.ofSeconds(2));
      assertThat(s.getTask(queued)).map(Task::state).contains(TaskState.QUEUED);
    }
  }
}
