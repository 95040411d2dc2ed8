package dev.gale.gateway;

import static dev.gale.gateway.testing.GatewayHarness.args;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Role;
import dev.gale.gateway.testing.GatewayHarness;
import dev.gale.gateway.testing.Http;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dependencies between tasks through the HTTP API: {@code $ref}, {@code $task}, their errors. */
class TaskGraphHttpIT {
  private static GatewayHarness h;
  private static String user;
  private static String other;

  @BeforeAll
  static void start() {
    h = new GatewayHarness();
    user = h.token("acme", Role.USER);
    other = h.token("globex", Role.USER);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  private static Object entry(String ref, String fn, Object args) {
    return ref == null
        ? args("function", fn, "args", args)
        : args("ref", ref, "function", fn, "args", args);
  }

  private static JsonNode waitFor(String id) {
    Http.Reply r = h.http.get("/v1/tasks/" + id + "?wait=20", user);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  @Test
  void aBatchWithRefsRunsAsAGraphAndShowsItsDependencies() {
    String pool = GatewayHarness.newPool();
    String fn = h.echoFunction(user, pool, 0, false);
    Http.Reply r =
        h.http.post(
            "/v1/tasks",
            user,
            args(
                "tasks",
                List.of(
                    entry("a", fn, args("x", 1)),
                    entry("b", fn, args("up", Map.of("$ref", "a"))))));
    assertThat(r.status()).as(r.toString()).isEqualTo(202);
    JsonNode tasks = r.json().get("tasks");
    assertThat(tasks.get(1).get("state").asText()).isEqualTo("waiting");
    assertThat(tasks.get(1).get("dependsOn").get(0).asText())
        .isEqualTo(tasks.get(0).get("id").asText());

    h.worker("w-graph", pool, 2, 2);
    JsonNode b = waitFor(tasks.get(1).get("id").asText());
    assertThat(b.get("state").asText()).isEqualTo("succeeded");
    assertThat(b.get("result").get("up").get("x").asInt()).isEqualTo(1);

    // $task on an earlier task, through invoke
    Http.Reply inv =
        h.http.post(
            "/v1/functions/" + fn + "/invoke",
            user,
            args("args", args("prev", Map.of("$task", b.get("id").asText())), "wait", 20));
    assertThat(inv.status()).as(inv.toString()).isEqualTo(200);
    assertThat(inv.json().get("result").get("prev").get("up").get("x").asInt()).isEqualTo(1);
  }

  @Test
  void aFailedUpstreamFailsItsDependentWithDependencyFailed() {
    String pool = GatewayHarness.newPool();
    String fn = h.echoFunction(user, pool, 0, false);
    h.worker("w-fail", pool, 1, 1);
    Http.Reply r =
        h.http.post(
            "/v1/tasks",
            user,
            args(
                "tasks",
                List.of(
                    entry("a", fn, args("fail", "exception")),
                    entry("b", fn, args("up", Map.of("$ref", "a"))))));
    assertThat(r.status()).as(r.toString()).isEqualTo(202);
    String a = r.json().get("tasks").get(0).get("id").asText();
    JsonNode b = waitFor(r.json().get("tasks").get(1).get("id").asText());
    assertThat(b.get("state").asText()).isEqualTo("failed");
    assertThat(b.get("error").get("code").asText()).isEqualTo("dependency_failed");
    assertThat(b.get("error").get("details").get("upstream").asText()).isEqualTo(a);
  }

  @Test
  void badReferencesAreRefusedWithClearErrorsAndNothingIsSubmitted() {
    String pool = GatewayHarness.newPool();
    String fn = h.echoFunction(user, pool, 0, false);
    Http.Reply unknownRef =
        h.http.post(
            "/v1/tasks",
            user,
            args(
                "tasks",
                List.of(entry("a", fn, args()), entry(null, fn, args("x", Map.of("$ref", "zz"))))));
    assertThat(unknownRef.status()).as(unknownRef.toString()).isEqualTo(400);
    assertThat(unknownRef.json().get("error").get("message").asText())
        .contains("tasks[1].args")
        .contains("zz");

    Http.Reply theirs =
        h.http.post(
            "/v1/functions/" + h.echoFunction(other, pool, 0, false) + "/invoke",
            other,
            args("args", args()));
    String theirId = theirs.json().get("id").asText();
    Http.Reply foreign =
        h.http.post(
            "/v1/tasks",
            user,
            args("tasks", List.of(entry(null, fn, args("x", Map.of("$task", theirId))))));
    assertThat(foreign.status()).as(foreign.toString()).isEqualTo(404);
    assertThat(foreign.json().get("error").get("code").asText()).isEqualTo("not_found");

    Http.Reply list = h.http.get("/v1/tasks?function=" + fn, user);
    assertThat(list.json().get("tasks")).isEmpty();
  }

  @Test
  void retryOnIsValidatedAtRegistration() {
    Http.Reply bad =
        h.http.post(
            "/v1/functions",
            user,
            args(
                "name",
                "e",
                "kind",
                "java",
                "spec",
                Map.of("class", "dev.gale.function.builtin.Echo"),
                "retries",
                2,
                "retryOn",
                List.of("worker_lost", "sunspots")));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("error").get("message").asText()).contains("sunspots");

    Http.Reply ok =
        h.http.post(
            "/v1/functions",
            user,
            args(
                "name",
                "e",
                "kind",
                "java",
                "spec",
                Map.of("class", "dev.gale.function.builtin.Echo"),
                "retries",
                2,
                "retryOn",
                List.of("TIMEOUT", "worker_lost")));
    assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
    assertThat(ok.json().get("retryOn").toString()).isEqualTo("[\"timeout\",\"worker_lost\"]");
  }
}
