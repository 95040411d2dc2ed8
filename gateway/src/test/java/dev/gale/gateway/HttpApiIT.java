package dev.gale.gateway;

import static dev.gale.gateway.testing.GatewayHarness.args;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.Role;
import dev.gale.gateway.testing.GatewayHarness;
import dev.gale.gateway.testing.Http;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP edge against the real scheduler: limits, errors, artifacts, operations endpoints. */
class HttpApiIT {
  private static GatewayHarness h;
  private static String user;

  @BeforeAll
  static void start() {
    h =
        new GatewayHarness(
            GatewayOptions.builder()
                .port(0)
                .maxBodyBytes(64 * 1024)
                .maxArgsBytes(1024)
                .maxArtifactBytes(256 * 1024)
                .build());
    user = h.token("acme", Role.USER);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @Test
  void healthAndReadinessNeedNoToken() {
    assertThat(h.http.get("/healthz", null).status()).isEqualTo(200);
    assertThat(h.http.get("/readyz", null).status()).isEqualTo(200);
  }

  @Test
  void metricsAreServedInPrometheusFormatWithGalePrefix() {
    String fn = h.echoFunction(user, GatewayHarness.newPool(), 0, false);
    h.http.post("/v1/functions/" + fn + "/invoke", user, args("args", args()));
    Http.Reply r = h.http.get("/metrics", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body())
        .contains("gale_tasks{state=\"queued\"}")
        .contains("gale_tasks_submitted_total{kind=\"java\"}")
        .contains("gale_http_requests_total")
        .contains("gale_queue_depth")
        // the JVM's own meters, for heap and pauses
        .contains("jvm_memory_used_bytes{area=\"heap\"")
        .contains("jvm_memory_max_bytes")
        .contains("jvm_threads_live_threads");
  }

  @Test
  void garbageCollectionPausesAreServed() {
    System.gc(); // the gateway runs in this JVM: a collection it has seen
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> h.http.get("/metrics", null).body().contains("jvm_gc_pause_seconds_count"));
  }

  @Test
  void theOpenApiDocumentIsServed() {
    Http.Reply r = h.http.get("/openapi.yaml", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).startsWith("openapi: 3").contains("/v1/functions/{id}/invoke:");
  }

  @Test
  void malformedJsonIsInvalidJsonAndNeverAServerError() {
    Http.Reply r = h.http.post("/v1/functions", user, "{\"name\": ");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_json");
    assertThat(r.body()).doesNotContain("at com.").doesNotContain("Exception");
  }

  @Test
  void aBodyOverTheLimitIs413() {
    String big = "{\"name\":\"" + "x".repeat(70 * 1024) + "\"}";
    Http.Reply r = h.http.post("/v1/functions", user, big);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorCode()).isEqualTo("too_large");
  }

  @Test
  void argsOverTheLimitAre413AndNotSubmitted() {
    String fn = h.echoFunction(user, GatewayHarness.newPool(), 0, false);
    Http.Reply r =
        h.http.post(
            "/v1/functions/" + fn + "/invoke", user, args("args", args("s", "y".repeat(2000))));
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.json().at("/error/details/field").asText()).isEqualTo("args");
    assertThat(h.http.get("/v1/tasks?function=" + fn, user).json().get("tasks")).isEmpty();
  }

  @Test
  void anUnknownKindIsRejectedListingTheKnownOnes() {
    Http.Reply r =
        h.http.post("/v1/functions", user, args("name", "f", "kind", "ruby", "spec", Map.of()));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().at("/error/message").asText()).contains("shell, python, java");
  }

  @Test
  void aJavaFunctionNamingAMissingArtifactIsUnknownArtifact() {
    Http.Reply r =
        h.http.post(
            "/v1/functions",
            user,
            args(
                "name",
                "f",
                "kind",
                "java",
                "spec",
                Map.of("class", "a.B", "artifact", "sha256:" + "1".repeat(64))));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("unknown_artifact");
  }

  @Test
  void anUploadedJarCanBeNamedByAJavaFunction() throws Exception {
    Http.Reply up =
        h.http.postBytes("/v1/artifacts", user, WorkersIT.jar(), "application/java-archive");
    assertThat(up.status()).isEqualTo(201);
    String digest = up.json().get("digest").asText();
    assertThat(digest).matches("sha256:[0-9a-f]{64}");
    Http.Reply r =
        h.http.post(
            "/v1/functions",
            user,
            args(
                "name",
                "f",
                "kind",
                "java",
                "spec",
                Map.of("class", "org.example.Add", "artifact", digest)));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.headers().firstValue("Location"))
        .hasValue("/v1/functions/" + r.json().get("id").asText());
  }

  @Test
  void anUploadThatIsNotAJarIs400AndOneOverTheArtifactLimitIs413() {
    assertThat(
            h.http
                .postBytes("/v1/artifacts", user, "hello".getBytes(), "application/octet-stream")
                .status())
        .isEqualTo(400);
    byte[] big = new byte[300 * 1024];
    big[0] = 'P';
    big[1] = 'K';
    big[2] = 3;
    big[3] = 4;
    assertThat(h.http.postBytes("/v1/artifacts", user, big, "application/java-archive").status())
        .isEqualTo(413);
    // larger than the JSON body limit but within the artifact limit
    byte[] mid = new byte[100 * 1024];
    System.arraycopy(big, 0, mid, 0, 4);
    assertThat(h.http.postBytes("/v1/artifacts", user, mid, "application/java-archive").status())
        .isEqualTo(201);
  }

  @Test
  void unknownFunctionsAndTasksAre404() {
    assertThat(h.http.get("/v1/functions/fn-nope", user).errorCode()).isEqualTo("not_found");
    assertThat(h.http.post("/v1/functions/fn-nope/invoke", user, args()).status()).isEqualTo(404);
    assertThat(h.http.get("/v1/tasks/tnope.0", user).status()).isEqualTo(404);
    assertThat(h.http.post("/v1/tasks/tnope.0/cancel", user, null).status()).isEqualTo(404);
  }

  @Test
  void aWrongPriorityTypeIs400NamingTheField() {
    String fn = h.echoFunction(user, GatewayHarness.newPool(), 0, false);
    Http.Reply r = h.http.post("/v1/functions/" + fn + "/invoke", user, args("priority", "high"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().at("/error/details/field").asText()).isEqualTo("priority");
    Http.Reply b =
        h.http.post(
            "/v1/tasks", user, args("tasks", List.of(args("function", fn, "priority", 1.5))));
    assertThat(b.json().at("/error/details/field").asText()).isEqualTo("tasks[0].priority");
  }

  @Test
  void unknownRoutesAndMethodsAnswerJsonErrors() {
    Http.Reply r = h.http.get("/v1/nothing-here", user);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("not_found");
    Http.Reply m = h.http.send("PATCH", "/v1/functions", user, null, null);
    assertThat(m.status()).isEqualTo(405);
    assertThat(m.errorCode()).isEqualTo("method_not_allowed");
  }

  @Test
  void aFullQueueAnswers429WithRetryAfter() {
    try (GatewayHarness small =
        new GatewayHarness(
            GatewayOptions.forTests(),
            dev.gale.scheduler.SchedulerOptions.builder()
                .clusterName("gale-test-" + java.util.UUID.randomUUID())
                .port(0)
                .maxQueuedPerPool(3)
                .build())) {
      String token = small.token("acme", Role.USER);
      String fn = small.echoFunction(token, GatewayHarness.newPool(), 0, false);
      List<Object> four =
          List.of(
              args("function", fn),
              args("function", fn),
              args("function", fn),
              args("function", fn));
      Http.Reply r = small.http.post("/v1/tasks", token, args("tasks", four));
      assertThat(r.status()).isEqualTo(429);
      assertThat(r.errorCode()).isEqualTo("back_pressure");
      assertThat(r.headers().firstValue("Retry-After")).isPresent();
    }
  }

  @Test
  void theInvocationsPoolWinsOverTheFunctionsAndDefaultIsTheFallback() {
    String fnNoPool = h.echoFunction(user, null, 0, false);
    Http.Reply a = h.http.post("/v1/functions/" + fnNoPool + "/invoke", user, args());
    assertThat(a.json().get("pool").asText()).isEqualTo("default");
    String fnPool = h.echoFunction(user, "gpu", 0, false);
    assertThat(
            h.http
                .post("/v1/functions/" + fnPool + "/invoke", user, args())
                .json()
                .get("pool")
                .asText())
        .isEqualTo("gpu");
    assertThat(
            h.http
                .post("/v1/functions/" + fnPool + "/invoke", user, args("pool", "cpu"))
                .json()
                .get("pool")
                .asText())
        .isEqualTo("cpu");
  }
}
