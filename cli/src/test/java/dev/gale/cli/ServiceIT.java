package dev.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole service as a user meets it: {@code gale up} in a child JVM with two worker processes,
 * driven over HTTP only.
 */
class ServiceIT {
  private static Path home;
  private static UpProcess up;
  private static String admin;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  record Reply(int status, JsonNode body, String raw) {}

  @BeforeAll
  static void start() throws Exception {
    home = Files.createTempDirectory("gale-service-it");
    up = UpProcess.start(home, false, "--workers", "2", "--slots", "2");
    admin = up.adminToken();
  }

  @AfterAll
  static void stop() throws Exception {
    up.close();
  }

  static Reply call(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(up.url.resolve(path)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = r.body().isEmpty() ? null : Json.readTree(r.body());
    return new Reply(r.statusCode(), json, r.body());
  }

  static String register(String token, String json) throws Exception {
    Reply r = call("POST", "/v1/functions", token, json);
    assertThat(r.status()).as(r.raw()).isEqualTo(201);
    return r.body().get("id").asText();
  }

  static JsonNode awaitTerminal(String token, String taskId) throws Exception {
    Reply r = call("GET", "/v1/tasks/" + taskId + "?wait=30", token, null);
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    assertThat(r.body().get("state").asText()).isIn("succeeded", "failed", "cancelled");
    return r.body();
  }

  @Test
  void everyKindRunsSynchronouslyAndAsynchronously() throws Exception {
    String shell =
        register(
            admin,
            "{\"name\":\"wc\",\"kind\":\"shell\",\"spec\":{\"command\":[\"printf\",\"%s|%s\","
                + "\"{a}\",\"{b}\"]}}");
    String python =
        register(
            admin,
            "{\"name\":\"mul\",\"kind\":\"python\",\"spec\":{\"source\":"
                + "\"def mul(a, b):\\n    print('noise')\\n    return {'p': a * b}\\n\","
                + "\"entrypoint\":\"mul\"}}");
    String java =
        register(
            admin,
            "{\"name\":\"echo\",\"kind\":\"java\",\"spec\":{\"class\":"
                + "\"dev.gale.function.builtin.Echo\"}}");
    Map<String, String> args =
        Map.of(
            shell, "{\"a\":\"x y\",\"b\":\"$(id)\"}",
            python, "{\"a\":6,\"b\":7}",
            java, "{\"deep\":{\"list\":[1,\"two\",null]}}");
    Map<String, String> expected =
        Map.of(
            shell,
            "{\"exitCode\":0,\"stdout\":\"x y|$(id)\",\"stderr\":\"\",\"truncated\":false}",
            python,
            "{\"p\":42}",
            java,
            "{\"deep\":{\"list\":[1,\"two\",null]}}");

    for (String fn : List.of(shell, python, java)) {
      Reply sync =
          call(
              "POST",
              "/v1/functions/" + fn + "/invoke",
              admin,
              "{\"args\":" + args.get(fn) + ",\"wait\":30}");
      assertThat(sync.status()).as(sync.raw()).isEqualTo(200);
      assertThat(sync.body().get("state").asText()).isEqualTo("succeeded");
      assertThat(sync.body().get("result")).isEqualTo(Json.readTree(expected.get(fn)));

      Reply async =
          call("POST", "/v1/functions/" + fn + "/invoke", admin, "{\"args\":" + args.get(fn) + "}");
      assertThat(async.status()).as(async.raw()).isEqualTo(202);
      JsonNode done = awaitTerminal(admin, async.body().get("id").asText());
      assertThat(done.get("state").asText()).isEqualTo("succeeded");
      assertThat(done.get("result")).isEqualTo(Json.readTree(expected.get(fn)));
      assertThat(done.get("attempts").asInt()).isEqualTo(1);
      assertThat(done.get("worker").asText()).startsWith("local-");
    }
  }

  @Test
  void failuresCarryTheirCauseForEveryKind() throws Exception {
    String shell =
        register(
            admin,
            "{\"name\":\"fail\",\"kind\":\"shell\",\"spec\":{\"command\":[\"sh\",\"-c\","
                + "\"echo oops >&2; exit 3\"]}}");
    String python =
        register(
            admin,
            "{\"name\":\"boom\",\"kind\":\"python\",\"spec\":{\"source\":"
                + "\"def boom():\\n    raise ValueError('bad value')\\n\",\"entrypoint\":\"boom\"}}");
    String slow =
        register(
            admin,
            "{\"name\":\"slow\",\"kind\":\"java\",\"timeoutSeconds\":1,\"spec\":{\"class\":"
                + "\"dev.gale.function.builtin.Sleep\"}}");

    JsonNode s = call("POST", "/v1/functions/" + shell + "/invoke", admin, "{\"wait\":30}").body();
    assertThat(s.at("/error/code").asText()).isEqualTo("nonzero_exit");
    assertThat(s.at("/error/details/exitCode").asInt()).isEqualTo(3);
    assertThat(s.at("/error/details/stderr").asText()).isEqualTo("oops\n");

    JsonNode p = call("POST", "/v1/functions/" + python + "/invoke", admin, "{\"wait\":30}").body();
    assertThat(p.at("/error/code").asText()).isEqualTo("exception");
    assertThat(p.at("/error/details/type").asText()).isEqualTo("ValueError");
    assertThat(p.at("/error/details/traceback").asText()).contains("bad value");

    JsonNode t =
        call(
                "POST",
                "/v1/functions/" + slow + "/invoke",
                admin,
                "{\"args\":{\"seconds\":20},\"wait\":30}")
            .body();
    assertThat(t.at("/error/code").asText()).isEqualTo("timeout");
  }

  @Test
  void aJavaFunctionFromAnUploadedJarRuns() throws Exception {
    byte[] jar = compileJar();
    HttpResponse<String> upload =
        HTTP.send(
            HttpRequest.newBuilder(up.url.resolve("/v1/artifacts"))
                .header("Authorization", "Bearer " + admin)
                .POST(HttpRequest.BodyPublishers.ofByteArray(jar))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
    String digest = Json.readTree(upload.body()).get("digest").asText();
    assertThat(digest).startsWith("sha256:");

    String fn =
        register(
            admin,
            "{\"name\":\"add\",\"kind\":\"java\",\"spec\":{\"class\":\"org.example.Add\","
                + "\"artifact\":\""
                + digest
                + "\"}}");
    Reply r =
        call(
            "POST",
            "/v1/functions/" + fn + "/invoke",
            admin,
            "{\"args\":{\"a\":40,\"b\":2},\"wait\":30}");
    assertThat(r.body().get("state").asText()).as(r.raw()).isEqualTo("succeeded");
    assertThat(r.body().get("result").asLong()).isEqualTo(42);
  }

  /** Compiles a GaleFunction against the function API on this class path and jars it. */
  private static byte[] compileJar() throws Exception {
    Path dir = Files.createTempDirectory("gale-jar");
    Path src = dir.resolve("org/example/Add.java");
    Files.createDirectories(src.getParent());
    Files.writeString(
        src,
        "package org.example;\n"
            + "import dev.gale.function.*;\nimport java.util.Map;\n"
            + "public class Add implements GaleFunction {\n"
            + "  public Object call(Map<String, Object> args, FunctionContext ctx) {\n"
            + "    return ((Number) args.get(\"a\")).longValue()"
            + " + ((Number) args.get(\"b\")).longValue();\n  }\n}\n");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc =
        javac.run(
            null,
            null,
            null,
            "-cp",
            System.getProperty("java.class.path"),
            "-d",
            dir.toString(),
            src.toString());
    assertThat(rc).isZero();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JarOutputStream jar = new JarOutputStream(bytes);
        Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        jar.putNextEntry(new JarEntry(dir.relativize(p).toString()));
        jar.write(Files.readAllBytes(p));
        jar.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  @Test
  void tenantsSeeOnlyTheirOwnAndPublicFunctionsAndTasks() throws Exception {
    String alice = mint("alice", "user");
    String bob = mint("bob", "user");
    String privateFn =
        register(
            alice,
            "{\"name\":\"mine\",\"kind\":\"java\",\"spec\":{\"class\":"
                + "\"dev.gale.function.builtin.Echo\"}}");
    String publicFn =
        register(
            alice,
            "{\"name\":\"shared\",\"kind\":\"java\",\"public\":true,\"spec\":{\"class\":"
                + "\"dev.gale.function.builtin.Echo\"}}");
    String aliceTask =
        call("POST", "/v1/functions/" + privateFn + "/invoke", alice, "{\"wait\":30}")
            .body()
            .get("id")
            .asText();

    List<String> bobSees = new ArrayList<>();
    call("GET", "/v1/functions", bob, null)
        .body()
        .get("functions")
        .forEach(f -> bobSees.add(f.get("id").asText()));
    assertThat(bobSees).contains(publicFn).doesNotContain(privateFn);
    assertThat(call("GET", "/v1/functions/" + privateFn, bob, null).status()).isEqualTo(404);
    assertThat(call("POST", "/v1/functions/" + privateFn + "/invoke", bob, "{}").status())
        .isEqualTo(404);
    assertThat(call("GET", "/v1/tasks/" + aliceTask, bob, null).status()).isEqualTo(404);
    assertThat(call("POST", "/v1/tasks/" + aliceTask + "/cancel", bob, null).status())
        .isEqualTo(404);
    assertThat(call("GET", "/v1/tasks", bob, null).body().get("tasks")).isEmpty();

    Reply bobRuns =
        call(
            "POST",
            "/v1/functions/" + publicFn + "/invoke",
            bob,
            "{\"args\":{\"k\":1},\"wait\":30}");
    assertThat(bobRuns.body().get("state").asText()).isEqualTo("succeeded");
    assertThat(call("GET", "/v1/tasks/" + bobRuns.body().get("id").asText(), alice, null).status())
        .isEqualTo(404);

    String worker = mint("alice", "worker");
    assertThat(call("GET", "/v1/functions", worker, null).status()).isEqualTo(403);
    assertThat(call("POST", "/v1/tokens", alice, "{\"tenant\":\"x\",\"role\":\"admin\"}").status())
        .isEqualTo(403);
  }

  private static String mint(String tenant, String role) throws Exception {
    Reply r =
        call(
            "POST",
            "/v1/tokens",
            admin,
            "{\"tenant\":\"" + tenant + "\",\"role\":\"" + role + "\"}");
    assertThat(r.status()).as(r.raw()).isEqualTo(201);
    return r.body().get("token").asText();
  }

  @Test
  void badInputGetsAClearErrorAndTheServiceStaysHealthy() throws Exception {
    String echo =
        register(
            admin,
            "{\"name\":\"e\",\"kind\":\"java\",\"spec\":{\"class\":"
                + "\"dev.gale.function.builtin.Echo\"}}");
    record Case(String method, String path, String token, String body, int status, String code) {}
    String big = "{\"name\":\"" + "x".repeat(11 * 1024 * 1024) + "\"}";
    List<Case> cases =
        List.of(
            new Case("POST", "/v1/functions", admin, "{not json", 400, "invalid_json"),
            new Case(
                "POST",
                "/v1/functions",
                admin,
                "{\"kind\":\"shell\",\"spec\":{}}",
                400,
                "invalid_request"),
            new Case(
                "POST",
                "/v1/functions",
                admin,
                "{\"name\":\"n\",\"kind\":\"fortran\",\"spec\":{}}",
                400,
                "invalid_request"),
            new Case(
                "POST",
                "/v1/functions",
                admin,
                "{\"name\":\"n\",\"kind\":\"shell\",\"spec\":{\"command\":\"rm -rf /\"}}",
                400,
                "invalid_request"),
            new Case(
                "POST",
                "/v1/functions",
                admin,
                "{\"name\":\"n\",\"kind\":\"shell\",\"spec\":{\"command\":[\"ls\",1]}}",
                400,
                "invalid_request"),
            new Case(
                "POST",
                "/v1/functions/" + echo + "/invoke",
                admin,
                "{\"args\":[1,2]}",
                400,
                "invalid_request"),
            new Case("POST", "/v1/functions/fn-nope/invoke", admin, "{}", 404, "not_found"),
            new Case("GET", "/v1/tasks/tnope.0", admin, null, 404, "not_found"),
            new Case("POST", "/v1/functions", admin, big, 413, "too_large"),
            new Case("GET", "/v1/functions", null, null, 401, "unauthorized"),
            new Case("GET", "/v1/functions", "gale_not-a-real-token", null, 401, "unauthorized"));
    for (Case c : cases) {
      Reply r = call(c.method(), c.path(), c.token(), c.body());
      assertThat(r.status()).as("%s %s: %s", c.method(), c.path(), r.raw()).isEqualTo(c.status());
      assertThat(r.body().at("/error/code").asText()).as(r.raw()).isEqualTo(c.code());
      assertThat(r.body().at("/error/message").asText()).isNotBlank();
      assertThat(r.raw()).doesNotContain("Exception").doesNotContain("\tat ");
    }
    Reply field =
        call(
            "POST",
            "/v1/functions",
            admin,
            "{\"name\":\"n\",\"kind\":\"shell\",\"spec\":{\"command\":\"rm -rf /\"}}");
    assertThat(field.body().at("/error/message").asText()).contains("spec.command");

    assertThat(call("GET", "/readyz", null, null).status()).isEqualTo(200);
    assertThat(
            call("POST", "/v1/functions/" + echo + "/invoke", admin, "{\"wait\":30}")
                .body()
                .get("state")
                .asText())
        .isEqualTo("succeeded");
  }

  @Test
  void aWorkerKilledMidTaskLosesNoTaskWithRetriesAndFailsTheRestAsWorkerLost() throws Exception {
    String retried =
        register(
            admin,
            "{\"name\":\"sleep-r\",\"kind\":\"java\",\"retries\":1,\"spec\":{\"class\":"
                + "\"dev.gale.function.builtin.Sleep\"}}");
    List<JsonNode> withRetries = killAWorkerWhileTasksRun(retried);
    assertThat(withRetries).allMatch(t -> t.get("state").asText().equals("succeeded"));
    assertThat(withRetries)
        .anyMatch(
            t ->
                t.get("attempts").asInt() == 2
                    && t.at("/attemptErrors/0/code").asText().equals("worker_lost"));

    String once =
        register(
            admin,
            "{\"name\":\"sleep-0\",\"kind\":\"java\",\"retries\":0,\"spec\":{\"class\":"
                + "\"dev.gale.function.builtin.Sleep\"}}");
    List<JsonNode> noRetries = killAWorkerWhileTasksRun(once);
    List<String> lost = new ArrayList<>();
    for (JsonNode t : noRetries) {
      if (t.get("state").asText().equals("failed")) {
        assertThat(t.at("/error/code").asText()).isEqualTo("worker_lost");
        lost.add(t.get("id").asText());
      } else {
        assertThat(t.get("state").asText()).isEqualTo("succeeded");
      }
    }
    assertThat(lost).isNotEmpty().hasSizeLessThan(noRetries.size());
  }

  /** Starts 4 two-second tasks over both workers, SIGKILLs one worker, returns the 4 ends. */
  private List<JsonNode> killAWorkerWhileTasksRun(String fn) throws Exception {
    // two registered workers whose processes are alive (not the one a previous run killed), and a
    // moment for the pool's dispatcher to count both before the tasks arrive
    await().atMost(Duration.ofSeconds(60)).until(() -> liveWorkers() == 2);
    Thread.sleep(1_000);
    StringBuilder batch = new StringBuilder("{\"tasks\":[");
    for (int i = 0; i < 4; i++) {
      batch
          .append(i == 0 ? "" : ",")
          .append("{\"function\":\"")
          .append(fn)
          .append("\",\"args\":{\"seconds\":2}}");
    }
    Reply submitted = call("POST", "/v1/tasks", admin, batch.append("]}").toString());
    assertThat(submitted.status()).as(submitted.raw()).isEqualTo(202);
    List<String> ids = new ArrayList<>();
    submitted.body().get("tasks").forEach(t -> ids.add(t.get("id").asText()));

    String[] victim = new String[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              JsonNode t = call("GET", "/v1/tasks/" + ids.get(0), admin, null).body();
              victim[0] = t.path("worker").asText(null);
              return t.get("state").asText().equals("running");
            });
    ProcessHandle worker =
        up.workerProcess(victim[0])
            .orElseThrow(() -> new AssertionError("no live process for worker " + victim[0]));
    assertThat(worker.destroyForcibly()).isTrue(); // SIGKILL

    List<JsonNode> ends = new ArrayList<>();
    for (String id : ids) {
      ends.add(awaitTerminal(admin, id));
    }
    return ends;
  }

  private static int liveWorkers() throws Exception {
    int n = 0;
    for (JsonNode w : call("GET", "/v1/workers", admin, null).body().get("workers")) {
      if (up.workerProcess(w.get("id").asText()).isPresent()) {
        n++;
      }
    }
    return n;
  }

  @Test
  void exposesHealthMetricsAndTheApiDescription() throws Exception {
    assertThat(call("GET", "/healthz", null, null).status()).isEqualTo(200);
    HttpResponse<String> metrics =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(up.url + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body()).contains("gale_").contains("gale_workers");
    HttpResponse<String> openapi =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(up.url + "/openapi.yaml")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(openapi.body()).startsWith("openapi: 3");
  }

  @Test
  void benchMeasuresThroughputAndLatencyOfTheRunningService() throws Exception {
    Map<String, String> env = Map.of("GALE_HOME", home.toString());
    CliTestSupport.Run t =
        CliTestSupport.run(
            env,
            "bench",
            "throughput",
            "--url",
            up.url.toString(),
            "--tasks",
            "300",
            "--batch",
            "50",
            "--concurrency",
            "2");
    assertThat(t.code()).as(t.err()).isZero();
    JsonNode tr = Json.readTree(t.out());
    assertThat(tr.get("tasks").asInt()).isEqualTo(300);
    assertThat(tr.get("failed").asInt()).isZero();
    assertThat(tr.get("tasksPerSecond").asLong()).isPositive();

    CliTestSupport.Run l =
        CliTestSupport.run(
            env,
            "bench",
            "latency",
            "--url",
            up.url.toString(),
            "--requests",
            "30",
            "--warmup",
            "5",
            "--kind",
            "python");
    assertThat(l.code()).as(l.err()).isZero();
    JsonNode lr = Json.readTree(l.out());
    assertThat(lr.get("p50Ms").asDouble())
        .isPositive()
        .isLessThanOrEqualTo(lr.get("p99Ms").asDouble());
  }
}
