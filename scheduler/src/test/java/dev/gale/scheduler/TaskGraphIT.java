package dev.gale.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.ErrorInfo;
import dev.gale.api.FunctionDefinition;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.api.NotFoundException;
import dev.gale.api.RawJson;
import dev.gale.api.Task;
import dev.gale.api.TaskState;
import dev.gale.scheduler.testing.TestFunctions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Task graphs on a real embedded member: references in args, waiting and release, propagation of
 * failure and cancellation, retry kinds and the result cache. A test "worker" takes tasks and
 * completes them with a result computed from their args.
 */
class TaskGraphIT {
  private static final String TENANT = "acme";
  private static Scheduler scheduler;
  private static int pools;

  @BeforeAll
  static void start() {
    scheduler = Schedulers.member(SchedulerOptions.forTests());
  }

  @AfterAll
  static void stop() {
    scheduler.close();
  }

  private static FunctionDefinition fn(int retries, List<String> retryOn, boolean cache) {
    return TestFunctions.echo(TENANT, retries, retryOn, cache, Instant.now());
  }

  private static String newPool() {
    return "graph-" + (++pools);
  }

  private static NewTask task(
      FunctionDefinition f, String pool, String ref, String tenant, String args) {
    return new NewTask(tenant, f, RawJson.of(args), pool, 0, ref);
  }

  private static NewTask task(FunctionDefinition f, String pool, String ref, String args) {
    return task(f, pool, ref, TENANT, args);
  }

  /** Takes whatever is queued in the pool and completes it with {@code result(args)}. */
  private static List<Dispatch> runQueued(String pool, Function<JsonNode, String> result)
      throws InterruptedException {
    List<Dispatch> got = scheduler.take(pool, List.of(new WorkerCredit("w1", 10_000)), 200);
    List<Outcome> outcomes = new ArrayList<>();
    for (Dispatch d : got) {
      String r = result.apply(Json.readTree(d.args().json()));
      outcomes.add(
          r == null
              ? new Outcome(
                  d.taskId(),
                  d.attempt(),
                  "w1",
                  false,
                  null,
                  ErrorInfo.of("exception", "boom"),
                  Instant.now(),
                  Instant.now())
              : new Outcome(d.taskId(), d.attempt(), "w1", true, RawJson.of(r), null, null, null));
    }
    scheduler.complete(outcomes);
    return got;
  }

  /** Runs the pool's tasks, echoing their args, until nothing is queued any more. */
  private static int runAll(String pool) throws InterruptedException {
    int n = 0;
    List<Dispatch> got;
    while (!(got = runQueued(pool, JsonNode::toString)).isEmpty()) {
      n += got.size();
    }
    return n;
  }

  private static Task get(String id) {
    return scheduler.getTask(id).orElseThrow();
  }

  @Test
  void aDiamondRunsEachTaskOnceAndPassesResultsDown() throws Exception {
    FunctionDefinition f = fn(0, null, false);
    String pool = newPool();
    List<Task> t =
        scheduler.submit(
            List.of(
                task(f, pool, "a", "{\"x\":1}"),
                task(f, pool, "b", "{\"left\":{\"$ref\":\"a\"}}"),
                task(f, pool, "c", "{\"right\":[{\"$ref\":\"a\"}]}"),
                task(f, pool, "d", "{\"b\":{\"$ref\":\"b\"},\"c\":{\"$ref\":\"c\"}}")));
    assertThat(t)
        .extracting(Task::state)
        .containsExactly(TaskState.QUEUED, TaskState.WAITING, TaskState.WAITING, TaskState.WAITING);
    assertThat(t.get(3).dependsOn()).containsExactly(t.get(1).id(), t.get(2).id());

    assertThat(runAll(pool)).isEqualTo(4);

    Task d = get(t.get(3).id());
    assertThat(d.state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(Json.readTree(d.result().json()))
        .isEqualTo(Json.readTree("{\"b\":{\"left\":{\"x\":1}},\"c\":{\"right\":[{\"x\":1}]}}"));
    for (Task each : t) {
      assertThat(get(each.id()).attempts()).isEqualTo(1);
    }
  }

  @Test
  void aLongChainRunsInOrder() throws Exception {
    FunctionDefinition f = fn(0, null, false);
    String pool = newPool();
    int n = 2_000;
    List<NewTask> chain = new ArrayList<>(n);
    chain.add(task(f, pool, "0", "{\"n\":0}"));
    for (int i = 1; i < n; i++) {
      chain.add(task(f, pool, Integer.toString(i), "{\"prev\":{\"$ref\":\"" + (i - 1) + "\"}}"));
    }
    List<Task> t = scheduler.submit(chain);
    // each round may run only the head of the chain: the worker sees one task at a time
    int rounds = 0;
    List<Dispatch> got;
    while (!(got = runQueued(pool, args -> Json.object().put("depth", depth(args)).toString()))
        .isEmpty()) {
      assertThat(got).hasSize(1);
      rounds++;
    }
    assertThat(rounds).isEqualTo(n);
    Task last = get(t.get(n - 1).id());
    assertThat(last.state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(Json.readTree(last.result().json()).get("depth").asInt()).isEqualTo(n - 1);
  }

  private static int depth(JsonNode args) {
    JsonNode prev = args.get("prev");
    return prev == null ? 0 : prev.get("depth").asInt() + 1;
  }

  @Test
  void aFanInOfAThousandReceivesEveryResultInPlace() throws Exception {
    FunctionDefinition f = fn(0, null, false);
    String pool = newPool();
    int n = 1_000;
    List<NewTask> batch = new ArrayList<>();
    ArrayNode refs = Json.object().arrayNode();
    for (int i = 0; i < n; i++) {
      batch.add(task(f, pool, "p" + i, "{\"i\":" + i + "}"));
      refs.add(Json.object().put("$ref", "p" + i));
    }
    ObjectNode sumArgs = Json.object();
    sumArgs.set("parts", refs);
    batch.add(task(f, pool, "sum", sumArgs.toString()));
    List<Task> t = scheduler.submit(batch);
    assertThat(t.get(n).state()).isEqualTo(TaskState.WAITING);
    assertThat(t.get(n).dependsOn()).hasSize(n);

    assertThat(runAll(pool)).isEqualTo(n + 1);

    JsonNode parts = Json.readTree(get(t.get(n).id()).result().json()).get("parts");
    assertThat(parts).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(parts.get(i).get("i").asInt()).isEqualTo(i);
    }
  }

  @Test
  void aFanOutReleasesEveryDependentWhenTheUpstreamSucceeds() throws Exception {
    FunctionDefinition f = fn(0, null, false);
    String pool = newPool();
    Task root = scheduler.submit(List.of(task(f, pool, null, "{\"seed\":7}"))).get(0);
    List<NewTask> fan = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      fan.add(task(f, pool, null, "{\"from\":{\"$task\":\"" + root.id() + "\"},\"i\":" + i + "}"));
    }
    List<Task> leaves = scheduler.submit(fan);
    assertThat(leaves).allMatch(l -> l.state() == TaskState.WAITING);

    assertThat(runAll(pool)).isEqualTo(1_001);
    assertThat(scheduler.getTasks(leaves.stream().map(Task::id).toList()))
        .allMatch(o -> o.orElseThrow().state() == TaskState.SUCCEEDED)
        .allMatch(o -> o.orElseThrow().result().json().contains("{\"seed\":7}"));
  }

  @Test
  void aGraphOfAHundredThousandTasksRuns() throws Exception {
    FunctionDefinition f = fn(0, null, false);
    String pool = newPool();
    Task root = scheduler.submit(List.of(task(f, pool, null, "{\"root\":true}"))).get(0);
    String ref = "{\"up\":{\"$task\":\"" + root.id() + "\"}}";
    List<String> leaves = new ArrayList<>();
    for (int b = 0; b < 10; b++) {
      List<NewTask> batch = new ArrayList<>(10_000);
      for (int i = 0; i < 10_000; i++) {
        batch.add(task(f, pool, null, ref));
      }
      scheduler.submit(batch).forEach(t -> leaves.add(t.id()));
    }
    assertThat(runAll(pool)).isEqualTo(100_001);
    for (int from = 0; from < leaves.size(); from += 10_000) {
      assertThat(scheduler.getTasks(leaves.subList(from, from + 10_000)))
          .allMatch(o -> o.orElseThrow().state() == TaskState.SUCCEEDED)
          .allMatch(o -> o.orElseThrow().result().json().equals("{\"up\":{\"root\":true}}"));
    }
  }

  @Test
  void aTaskReferringToAnAlreadyFinishedTaskRunsAtOnceWithItsResult() throws Exception {
    FunctionDefinition f = fn(0, null, false);
    String pool = newPool();
    Task up = scheduler.submit(List.of(task(f, pool, null, "{\"v\":\"done\"}"))).get(0);
    runAll(pool);
    Task down =
        scheduler
            .submit(List.of(task(f, pool, null, "{\"u\":{\"$task\":\"" + up.id() + "\"}}")))
            .get(0);
    assertThat(down.state()).isEqualTo(TaskState.QUEUED);
    runAll(pool);
    assertThat(get(down.id()).result().json()).isEqualTo("{\"u\":{\"v\":\"done\"}}");
  }

  @Test
  void aFailedUpstreamFailsTheWholeDownstreamGraphNamingTheUpstream() throws Exception {
    FunctionDefinition f = fn(0, null, false);
    String pool = newPool();
    List<Task> t =
        scheduler.submit(
            List.of(
                task(f, pool, "a", "{}"),
                task(f, pool, "b", "{\"a\":{\"$ref\":\"a\"}}"),
                task(f, pool, "c", "{\"b\":{\"$ref\":\"b\"}}"),
                task(f, pool, "other", "{}")));
    List<Dispatch> ran = runQueued(pool, args -> args.size() == 0 ? null : args.toString());
    assertThat(ran).hasSize(2);

    Task b = get(t.get(1).id());
    assertThat(b.state()).isEqualTo(TaskState.FAILED);
    assertThat(b.error().code()).isEqualTo("dependency_failed");
    assertThat(b.error().message()).contains(t.get(0).id());
    assertThat(b.attempts()).isZero();
    Task c = get(t.get(2).id());
    assertThat(c.state()).isEqualTo(TaskState.FAILED);
    assertThat(c.error().code()).isEqualTo("dependency_failed");
    assertThat(c.error().details().get("upstream").asText()).isEqualTo(t.get(1).id());
    assertThat(get(t.get(3).id()).state()).isEqualTo(TaskState.FAILED);
  }

  @Test
  void cancellingAnUpstreamCancelsItsDependentsAndTheyNeverRun() throws Exception {
    FunctionDefinition f = fn(0, null, false);
    String pool = newPool();
    List<Task> t =
        scheduler.submit(
            List.of(
                task(f, pool, "a", "{}"),
                task(f, pool, "b", "{\"a\":{\"$ref\":\"a\"}}"),
                task(f, pool, "c", "{\"b\":[{\"$ref\":\"b\"},{\"$ref\":\"a\"}]}")));
    Task cancelled = scheduler.cancel(t.get(0).id());
    assertThat(cancelled.state()).isEqualTo(TaskState.CANCELLED);
    assertThat(runAll(pool)).isZero();
    assertThat(get(t.get(1).id()).state()).isEqualTo(TaskState.CANCELLED);
    assertThat(get(t.get(1).id()).error().message()).contains(t.get(0).id());
    assertThat(get(t.get(2).id()).state()).isEqualTo(TaskState.CANCELLED);
  }

  @Test
  void cancellingAWaitingTaskLeavesItsUpstreamAlone() throws Exception {
    FunctionDefinition f = fn(0, null, false);
    String pool = newPool();
    List<Task> t =
        scheduler.submit(
            List.of(task(f, pool, "a", "{}"), task(f, pool, "b", "{\"a\":{\"$ref\":\"a\"}}")));
    assertThat(scheduler.cancel(t.get(1).id()).state()).isEqualTo(TaskState.CANCELLED);
    assertThat(runAll(pool)).isEqualTo(1);
    assertThat(get(t.get(0).id()).state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(get(t.get(1).id()).state()).isEqualTo(TaskState.CANCELLED);
  }

  @Test
  void badReferencesRefuseTheWholeBatch() {
    FunctionDefinition f = fn(0, null, false);
    String pool = newPool();
    assertThatThrownBy(
            () ->
                scheduler.submit(
                    List.of(
                        task(f, pool, "a", "{}"),
                        task(f, pool, "b", "{\"x\":{\"$ref\":\"nope\"}}"))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("tasks[1].args")
        .hasMessageContaining("nope");
    assertThatThrownBy(
            () ->
                scheduler.submit(
                    List.of(
                        task(f, pool, "a", "{\"b\":{\"$ref\":\"b\"}}"),
                        task(f, pool, "b", "{\"a\":{\"$ref\":\"a\"}}"))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("cycle");
    assertThatThrownBy(() -> scheduler.submit(List.of(task(f, pool, null, "{\"x\":{\"$ref\":5}}"))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("args.x.$ref");
    assertThatThrownBy(
            () ->
                scheduler.submit(
                    List.of(task(f, pool, null, "{\"x\":{\"$task\":\"t1.0\",\"extra\":1}}"))))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(
            () ->
                scheduler.submit(
                    List.of(
                        task(f, pool, "ok", "{}"),
                        task(f, pool, null, "{\"x\":{\"$task\":\"t-missing.0\"}}"))))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("t-missing.0");
    assertThat(scheduler.queueDepth(pool)).isZero();
  }

  @Test
  void anotherTenantsTaskCannotBeReferenced() {
    FunctionDefinition f = fn(0, null, false);
    String pool = newPool();
    Task theirs = scheduler.submit(List.of(task(f, pool, null, "other", "{}"))).get(0);
    assertThatThrownBy(
            () ->
                scheduler.submit(
                    List.of(task(f, pool, null, "{\"x\":{\"$task\":\"" + theirs.id() + "\"}}"))))
        .isInstanceOf(NotFoundException.class);
    assertThat(scheduler.queueDepth(pool)).isEqualTo(1);
  }

  @Test
  void retryOnRetriesOnlyTheNamedKindsOfFailure() throws Exception {
    FunctionDefinition f = fn(3, List.of("worker_lost"), false);
    String pool = newPool();
    Task lost = scheduler.submit(List.of(task(f, pool, null, "{}"))).get(0);
    List<Dispatch> got = scheduler.take(pool, List.of(new WorkerCredit("w9", 1)), 200);
    scheduler.workerLost("w9", Map.of(lost.id(), got.get(0).attempt()));
    assertThat(get(lost.id()).state()).isEqualTo(TaskState.QUEUED);

    runQueued(pool, args -> null); // fails with "exception": not retried
    Task t = get(lost.id());
    assertThat(t.state()).isEqualTo(TaskState.FAILED);
    assertThat(t.error().code()).isEqualTo("exception");
    assertThat(t.attempts()).isEqualTo(2);
    assertThat(t.attemptErrors()).extracting(ErrorInfo::code).containsExactly("worker_lost");
  }

  @Test
  void attemptsAWorkerGaveBackWhileStoppingDoNotUseUpRetries() throws Exception {
    FunctionDefinition f = fn(0, null, false);
    String pool = newPool();
    Task t = scheduler.submit(List.of(task(f, pool, null, "{}"))).get(0);
    for (String code : List.of("worker_stopped", "worker_draining")) {
      Dispatch d = scheduler.take(pool, List.of(new WorkerCredit("w1", 1)), 1_000).get(0);
      scheduler.complete(
          List.of(
              new Outcome(
                  d.taskId(),
                  d.attempt(),
                  "w1",
                  false,
                  null,
                  ErrorInfo.of(code, "stopping"),
                  Instant.now(),
                  Instant.now())));
      assertThat(get(t.id()).state()).isEqualTo(TaskState.QUEUED);
    }
    runAll(pool);
    assertThat(get(t.id()).state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(get(t.id()).attempts()).isEqualTo(3);
  }

  @Test
  void aTaskHandedBackUnstartedByManyDrainingWorkersStillRuns() throws Exception {
    FunctionDefinition f = fn(0, null, false);
    String pool = newPool();
    Task t = scheduler.submit(List.of(task(f, pool, null, "{}"))).get(0);
    for (int i = 0; i < 10; i++) { // blocks drained before they got to it (scale-in, walltime)
      Dispatch d = scheduler.take(pool, List.of(new WorkerCredit("w" + i, 1)), 1_000).get(0);
      scheduler.complete(
          List.of(
              new Outcome(
                  d.taskId(),
                  d.attempt(),
                  "w" + i,
                  false,
                  null,
                  ErrorInfo.of("worker_draining", "not started"),
                  null,
                  Instant.now())));
      assertThat(get(t.id()).state()).isEqualTo(TaskState.QUEUED);
    }
    runAll(pool);
    assertThat(get(t.id()).state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(get(t.id()).attempts()).isEqualTo(11);
  }

  @Test
  void aCachingFunctionAnswersIdenticalArgsFromTheCacheWithoutRunning() throws Exception {
    FunctionDefinition f = fn(0, null, true);
    String pool = newPool();
    Task first = scheduler.submit(List.of(task(f, pool, null, "{\"a\":1,\"b\":[2,3]}"))).get(0);
    assertThat(runAll(pool)).isEqualTo(1);
    assertThat(get(first.id()).cached()).isNull();

    List<Task> again =
        scheduler.submit(
            List.of(
                task(f, pool, "same", "{\"b\":[2,3],\"a\":1}"),
                task(f, pool, "different", "{\"a\":2}"),
                task(f, pool, "down", "{\"up\":{\"$ref\":\"same\"}}")));
    Task hit = again.get(0);
    assertThat(hit.state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(hit.cached()).isTrue();
    assertThat(hit.attempts()).isZero();
    assertThat(hit.result().json()).isEqualTo(get(first.id()).result().json());
    assertThat(again.get(1).state()).isEqualTo(TaskState.QUEUED);
    assertThat(again.get(2).state()).isEqualTo(TaskState.QUEUED);

    assertThat(runAll(pool)).isEqualTo(2);
    assertThat(get(again.get(2).id()).result().json())
        .isEqualTo("{\"up\":" + hit.result().json() + "}");

    FunctionDefinition other = fn(0, null, true);
    Task notShared =
        scheduler.submit(List.of(task(other, pool, null, "{\"a\":1,\"b\":[2,3]}"))).get(0);
    assertThat(notShared.state()).isEqualTo(TaskState.QUEUED);
    runAll(pool);
  }

  @Test
  void argsThatAreThemselvesAReferenceAreRefused() {
    FunctionDefinition f = fn(0, null, false);
    String pool = newPool();
    assertThatThrownBy(() -> scheduler.submit(List.of(task(f, pool, null, "{\"$ref\":\"x\"}"))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("itself");
  }
}
