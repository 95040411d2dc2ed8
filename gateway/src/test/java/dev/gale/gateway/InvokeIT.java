package dev.gale.gateway;

import static dev.gale.gateway.testing.GatewayHarness.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Role;
import dev.gale.api.UnavailableException;
import dev.gale.api.protocol.TaskAssignment;
import dev.gale.gateway.testing.GatewayHarness;
import dev.gale.gateway.testing.Http;
import dev.gale.gateway.testing.TestWorker;
import dev.gale.scheduler.Scheduler;
import dev.gale.scheduler.SchedulerOptions;
import dev.gale.scheduler.Submitted;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Invoking functions through the HTTP API, run by a protocol-level test worker. */
class InvokeIT {
  private static GatewayHarness h;
  private static String user;

  @BeforeAll
  static void start() {
    h = new GatewayHarness();
    user = h.token("acme", Role.USER);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @Test
  void syncInvokeAnswers200WithTheFinishedTask() {
    String pool = GatewayHarness.newPool();
    h.worker("w-sync", pool, 2, 2);
    String fn = h.echoFunction(user, pool, 0, false);

    Http.Reply r =
        h.http.post(
            "/v1/functions/" + fn + "/invoke", user, args("args", args("x", 42), "wait", 10));

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode t = r.json();
    assertThat(t.get("state").asText()).isEqualTo("succeeded");
    assertThat(t.get("result").get("x").asInt()).isEqualTo(42);
    assertThat(t.get("attempts").asInt()).isEqualTo(1);
    assertThat(t.get("worker").asText()).isEqualTo("w-sync");
    assertThat(t.get("pool").asText()).isEqualTo(pool);
    // The answer is built from the worker's outcome; it must equal the stored task.
    Http.Reply stored = h.http.get("/v1/tasks/" + t.get("id").asText(), user);
    assertThat(stored.json()).isEqualTo(t);
  }

  @Test
  void anInvokeOnAnIdlePoolGoesStraightToAWorkerWithRoom() {
    String pool = GatewayHarness.newPool();
    TestWorker w = h.worker("w-direct", pool, 1, 0);
    String fn = h.echoFunction(user, pool, 0, false);
    double before = directTotal();

    // the pool's dispatcher must first have found the queues empty (one empty take, 250 ms)
    List<String> ids = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              Http.Reply r =
                  h.http.post(
                      "/v1/functions/" + fn + "/invoke",
                      user,
                      args("args", args("n", ids.size()), "wait", 10));
              assertThat(r.status()).as(r.toString()).isEqualTo(200);
              assertThat(r.json().get("attempts").asInt()).isEqualTo(1);
              ids.add(r.json().get("id").asText());
              return directTotal() > before;
            });

    assertThat(w.receivedIds()).containsExactlyElementsOf(ids);
    String last = ids.get(ids.size() - 1);
    JsonNode stored = h.http.get("/v1/tasks/" + last, user).json();
    assertThat(stored.get("state").asText()).isEqualTo("succeeded");
    assertThat(stored.get("worker").asText()).isEqualTo("w-direct");
    assertThat(stored.get("result").get("n").asInt()).isEqualTo(ids.size() - 1);
  }

  @Test
  void anInvokeDoesNotOvertakeTasksQueuedForABusyPool() {
    String pool = GatewayHarness.newPool();
    TestWorker w = h.worker("w-busy", pool, 1, 0);
    String fn = h.echoFunction(user, pool, 0, false);
    sleep(600); // the dispatcher has found the queues empty
    String held = invokeAsync(fn, args("hold", true));
    await().atMost(Duration.ofSeconds(10)).until(() -> w.receivedIds().contains(held));
    List<Object> batch =
        List.of(
            args("function", fn, "args", args("n", 1)), args("function", fn, "args", args("n", 2)));
    Http.Reply queued = h.http.post("/v1/tasks", user, args("tasks", batch));
    assertThat(queued.status()).as(queued.toString()).isEqualTo(202);
    double before = directTotal();
    String invoked = invokeAsync(fn, args("n", 3));

    w.releaseAll();
    Http.Reply done =
        h.http.post("/v1/tasks/wait", user, args("ids", List.of(invoked), "wait", 10));
    assertThat(done.json().at("/tasks/0/state").asText()).isEqualTo("succeeded");
    List<String> order = new ArrayList<>(List.of(held));
    queued.json().get("tasks").forEach(t -> order.add(t.get("id").asText()));
    order.add(invoked);
    assertThat(w.receivedIds()).containsExactlyElementsOf(order);
    assertThat(directTotal()).isEqualTo(before);
  }

  @Test
  void anAttemptWhoseDirectHandOverFailedAfterItsWriteIsGivenBackAndRuns() throws Exception {
    // the gateway's scheduler stores the hand-over, then the answer is "lost"
    AtomicReference<String> written = new AtomicReference<>();
    UnaryOperator<Scheduler> losesAnswers =
        real ->
            (Scheduler)
                Proxy.newProxyInstance(
                    Scheduler.class.getClassLoader(),
                    new Class<?>[] {Scheduler.class},
                    (proxy, method, a) -> {
                      Object result;
                      try {
                        result = method.invoke(real, a);
                      } catch (InvocationTargetException e) {
                        throw e.getCause();
                      }
                      if (method.getName().equals("submitTo") && written.get() == null) {
                        written.set(((Submitted) result).task().id());
                        throw new UnavailableException("unavailable", "answer lost", null, null);
                      }
                      return result;
                    });
    try (GatewayHarness own =
        new GatewayHarness(
            GatewayOptions.builder().port(0).heartbeatSeconds(1).build(),
            SchedulerOptions.forTests(),
            losesAnswers)) {
      String token = own.token("acme", Role.USER);
      String pool = GatewayHarness.newPool();
      TestWorker w = own.worker("w-lost-answer", pool, 1, 0);
      String fn = own.echoFunction(token, pool, 1, false);
      sleep(600); // the dispatcher waits on the pool's empty queues

      Http.Reply r =
          own.http.post(
              "/v1/functions/" + fn + "/invoke", token, args("args", args("n", 7), "wait", 10));
      assertThat(r.status()).as(r.toString()).isEqualTo(503);
      assertThat(written.get()).isNotNull();

      // reconciled: the attempt the worker was never sent goes back and runs as the next one
      String id = written.get();
      Http.Reply done = own.http.get("/v1/tasks/" + id + "?wait=10", token);
      assertThat(done.json().get("state").asText()).as(done.toString()).isEqualTo("succeeded");
      assertThat(done.json().get("attempts").asInt()).isEqualTo(2);
      assertThat(w.received).extracting(TaskAssignment::attempt).containsExactly(2);
    }
  }

  private static String invokeAsync(String fn, Object args) {
    Http.Reply r = h.http.post("/v1/functions/" + fn + "/invoke", user, args("args", args));
    assertThat(r.status()).as(r.toString()).isIn(200, 202);
    return r.json().get("id").asText();
  }

  /** This gateway's gale_tasks_direct_total. */
  private static double directTotal() {
    for (String line : h.http.get("/metrics", null).body().split("\n")) {
      if (line.startsWith("gale_tasks_direct_total ")) {
        return Double.parseDouble(line.substring(line.indexOf(' ') + 1));
      }
    }
    return 0;
  }

  @Test
  void asyncInvokeAnswers202AndTheTaskCanBeLongPolled() {
    String pool = GatewayHarness.newPool();
    String fn = h.echoFunction(user, pool, 0, false);

    Http.Reply r = h.http.post("/v1/functions/" + fn + "/invoke", user, args("args", args("n", 1)));
    assertThat(r.status()).as(r.toString()).isEqualTo(202);
    String id = r.json().get("id").asText();
    assertThat(r.json().get("state").asText()).isEqualTo("queued");

    Http.Reply still = h.http.get("/v1/tasks/" + id + "?wait=0.3", user);
    assertThat(still.status()).isEqualTo(200);
    assertThat(still.json().get("state").asText()).isEqualTo("queued");

    Thread starter =
        new Thread(
            () -> {
              sleep(500);
              h.worker("w-late", pool, 1, 0);
            });
    starter.start();
    long t0 = System.nanoTime();
    Http.Reply done = h.http.get("/v1/tasks/" + id + "?wait=20", user);
    long took = (System.nanoTime() - t0) / 1_000_000;
    assertThat(done.json().get("state").asText()).as(done.toString()).isEqualTo("succeeded");
    assertThat(done.json().get("result").get("n").asInt()).isEqualTo(1);
    assertThat(took).isLessThan(15_000);
  }

  @Test
  void invokeWithAWaitThatEndsFirstAnswers202() {
    String pool = GatewayHarness.newPool();
    String fn = h.echoFunction(user, pool, 0, false);
    long t0 = System.nanoTime();
    Http.Reply r =
        h.http.post("/v1/functions/" + fn + "/invoke", user, args("args", Map.of(), "wait", 0.5));
    long took = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.status()).isEqualTo(202);
    assertThat(took).isBetween(400L, 5000L);
  }

  @Test
  void batchSubmitsAllTasksInOrderAndWaitReturnsThemInTheOrderOfIds() {
    String pool = GatewayHarness.newPool();
    String fn = h.echoFunction(user, pool, 0, false);
    List<Object> tasks = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      tasks.add(args("ref", "r" + i, "function", fn, "args", args("i", i)));
    }
    Http.Reply r = h.http.post("/v1/tasks", user, args("tasks", tasks));
    assertThat(r.status()).as(r.toString()).isEqualTo(202);
    List<String> ids = new ArrayList<>();
    r.json().get("tasks").forEach(t -> ids.add(t.get("id").asText()));
    assertThat(ids).hasSize(50).doesNotHaveDuplicates();

    h.worker("w-batch", pool, 8, 8);
    List<String> reversed = new ArrayList<>(ids);
    java.util.Collections.reverse(reversed);
    Http.Reply w = h.http.post("/v1/tasks/wait", user, args("ids", reversed, "wait", 20));
    assertThat(w.status()).isEqualTo(200);
    JsonNode out = w.json().get("tasks");
    assertThat(out).hasSize(50);
    for (int i = 0; i < 50; i++) {
      assertThat(out.get(i).get("id").asText()).isEqualTo(reversed.get(i));
      assertThat(out.get(i).get("state").asText()).isEqualTo("succeeded");
      assertThat(out.get(i).get("result").get("i").asInt()).isEqualTo(49 - i);
    }
  }

  @Test
  void aBatchWithOneUnknownFunctionSubmitsNothing() {
    String pool = GatewayHarness.newPool();
    String fn = h.echoFunction(user, pool, 0, false);
    Http.Reply r =
        h.http.post(
            "/v1/tasks",
            user,
            args("tasks", List.of(args("function", fn), args("function", "fn-doesnotexist"))));
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().at("/error/details/field").asText()).isEqualTo("tasks[1].function");
    Http.Reply list = h.http.get("/v1/tasks?function=" + fn, user);
    assertThat(list.json().get("tasks")).isEmpty();
  }

  @Test
  void failedTasksCarryTheWorkersErrorAndRetriesAreRecorded() {
    String pool = GatewayHarness.newPool();
    h.worker("w-fail", pool, 1, 1);
    String fn = h.echoFunction(user, pool, 2, false);
    Http.Reply r =
        h.http.post(
            "/v1/functions/" + fn + "/invoke",
            user,
            args("args", args("fail", "exception"), "wait", 10));
    assertThat(r.status()).isEqualTo(200);
    JsonNode t = r.json();
    assertThat(t.get("state").asText()).isEqualTo("failed");
    assertThat(t.at("/error/code").asText()).isEqualTo("exception");
    assertThat(t.get("attempts").asInt()).isEqualTo(3);
    assertThat(t.get("attemptErrors")).hasSize(2);
  }

  @Test
  void resultsOverTheLimitFailTheTaskWithResultTooLarge() {
    String pool = GatewayHarness.newPool();
    h.worker("w-big", pool, 1, 0);
    String fn = h.echoFunction(user, pool, 0, false);
    int over = h.gateway.options().maxResultBytes() + 10;
    Http.Reply r =
        h.http.post(
            "/v1/functions/" + fn + "/invoke", user, args("args", args("big", over), "wait", 10));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("state").asText()).isEqualTo("failed");
    assertThat(r.json().at("/error/code").asText()).isEqualTo("result_too_large");
  }

  @Test
  void theWorkerReceivesEachFunctionSpecOncePerBatchAndAcksForResults() {
    String pool = GatewayHarness.newPool();
    String fn = h.echoFunction(user, pool, 0, false);
    List<Object> tasks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      tasks.add(args("function", fn, "args", args("i", i)));
    }
    h.http.post("/v1/tasks", user, args("tasks", tasks));
    TestWorker w = h.worker("w-spec", pool, 10, 10);
    await().atMost(Duration.ofSeconds(10)).until(() -> w.received.size() == 20);
    w.batches.forEach(b -> assertThat(b.functions()).hasSize(1));
    assertThat(w.functions.get(fn).kind()).isEqualTo("java");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> w.acks.stream().mapToInt(a -> a.taskIds().size()).sum() == 20);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aTaskSubmittedBeforeItsFunctionWasDeletedStillRuns() {
    String pool = GatewayHarness.newPool();
    String fn = h.echoFunction(user, pool, 0, false);
    String id =
        h.http
            .post("/v1/functions/" + fn + "/invoke", user, args("args", args("k", 7)))
            .json()
            .get("id")
            .asText();
    assertThat(h.http.delete("/v1/functions/" + fn, user).status()).isEqualTo(204);
    assertThat(h.http.get("/v1/functions/" + fn, user).status()).isEqualTo(404);

    h.worker("w-after-delete", pool, 1, 0);
    JsonNode done = h.http.get("/v1/tasks/" + id + "?wait=20", user).json();
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
    assertThat(done.at("/result/k").asInt()).isEqualTo(7);
  }
}
