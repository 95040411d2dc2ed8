package dev.gale.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.Json;
import dev.gale.api.Role;
import dev.gale.api.TaskState;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GaleClientRequestsTest {

  @Test
  void turnsAnErrorBodyIntoAnExceptionWithStatusCodeAndDetails() {
    try (CannedServer s = new CannedServer()) {
      s.answer(
          400,
          "{\"error\":{\"code\":\"invalid_request\",\"message\":\"spec.command must be an array\","
              + "\"details\":{\"field\":\"spec.command\"}}}");
      assertThatThrownBy(
              () ->
                  s.client(RetryPolicy.none())
                      .registerFunction(
                          FunctionRequest.builder("f", "shell", Json.object()).build()))
          .isInstanceOfSatisfying(
              GaleClientException.class,
              e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.code()).isEqualTo("invalid_request");
                assertThat(e.getMessage()).isEqualTo("spec.command must be an array");
                assertThat(e.details().path("field").asText()).isEqualTo("spec.command");
                assertThat(e.isRetryable()).isFalse();
              });
    }
  }

  @Test
  void reportsANonGaleErrorBodyByStatus() {
    try (CannedServer s = new CannedServer()) {
      s.answer(502, "<html>bad gateway</html>");
      assertThatThrownBy(() -> s.client(RetryPolicy.none()).getFunction("fn-1"))
          .isInstanceOfSatisfying(
              GaleClientException.class,
              e -> {
                assertThat(e.status()).isEqualTo(502);
                assertThat(e.code()).isEqualTo("http_502");
                assertThat(e.getMessage()).contains("bad gateway");
              });
    }
  }

  @Test
  void reportsAnUnreachableServiceAsConnectionFailed() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    GaleClient c = GaleClient.builder().url(URI.create("http://127.0.0.1:" + port)).build();
    assertThatThrownBy(c::workers)
        .isInstanceOfSatisfying(
            GaleClientException.class,
            e -> {
              assertThat(e.status()).isZero();
              assertThat(e.code()).isEqualTo("connection_failed");
            });
    assertThat(c.isReady()).isFalse();
  }

  @Test
  void sendsTheBearerTokenAndTheInvocationBody() {
    try (CannedServer s = new CannedServer()) {
      s.answer(
          200,
          "{\"id\":\"t1\",\"function\":\"fn-1\",\"state\":\"succeeded\",\"attempts\":1,"
              + "\"result\":{\"sum\":5},\"createdAt\":\"2026-01-01T00:00:00Z\"}");
      var task =
          s.client(RetryPolicy.none())
              .invoke("fn-1", Json.readTree("{\"a\":2,\"b\":3}"), 30, "gpu", null);
      assertThat(task.state()).isEqualTo(TaskState.SUCCEEDED);
      assertThat(task.result().toTree().path("sum").asInt()).isEqualTo(5);
      var seen = s.seen.get(0);
      assertThat(seen.method()).isEqualTo("POST");
      assertThat(seen.uri()).isEqualTo("/v1/functions/fn-1/invoke");
      assertThat(seen.authorization()).isEqualTo("Bearer s3cret");
      assertThat(seen.contentType()).isEqualTo("application/json");
      assertThat(Json.readTree(seen.body()))
          .isEqualTo(Json.readTree("{\"args\":{\"a\":2,\"b\":3},\"wait\":30,\"pool\":\"gpu\"}"));
    }
  }

  @Test
  void readsListsEitherBareOrWrapped() {
    try (CannedServer s = new CannedServer()) {
      s.answer(200, "{\"functions\":[{\"id\":\"fn-1\",\"name\":\"a\",\"kind\":\"shell\"}]}")
          .answer(200, "[{\"id\":\"fn-2\",\"name\":\"b\",\"kind\":\"python\",\"public\":true}]");
      GaleClient c = s.client(RetryPolicy.none());
      assertThat(c.listFunctions())
          .singleElement()
          .satisfies(f -> assertThat(f.id()).isEqualTo("fn-1"));
      assertThat(c.listFunctions())
          .singleElement()
          .satisfies(f -> assertThat(f.isPublic()).isTrue());
    }
  }

  @Test
  void pagesTasksWithQueryAndCursor() {
    try (CannedServer s = new CannedServer()) {
      s.answer(200, "{\"tasks\":[{\"id\":\"t9\",\"state\":\"failed\"}],\"nextCursor\":\"c2\"}");
      TaskList page = s.client(RetryPolicy.none()).listTasks(TaskState.FAILED, "fn 1", 10, "c1");
      assertThat(page.nextCursor()).isEqualTo("c2");
      assertThat(page.tasks()).extracting(t -> t.id()).containsExactly("t9");
      assertThat(s.seen.get(0).uri())
          .isEqualTo("/v1/tasks?state=failed&function=fn%201&limit=10&cursor=c1");
    }
  }

  @Test
  void waitsForSeveralTasksAndCancels() {
    try (CannedServer s = new CannedServer()) {
      s.answer(200, "{\"tasks\":[{\"id\":\"a\"},{\"id\":\"b\"}]}")
          .answer(200, "{\"id\":\"a\",\"state\":\"cancelled\"}");
      GaleClient c = s.client(RetryPolicy.none());
      assertThat(c.waitTasks(List.of("a", "b"), 5))
          .extracting(t -> t.id())
          .containsExactly("a", "b");
      assertThat(c.cancel("a").state()).isEqualTo(TaskState.CANCELLED);
      assertThat(Json.readTree(s.seen.get(0).body()))
          .isEqualTo(Json.readTree("{\"ids\":[\"a\",\"b\"],\"wait\":5}"));
      assertThat(s.seen.get(1).uri()).isEqualTo("/v1/tasks/a/cancel");
    }
  }

  @Test
  void mintsTokensAndUploadsArtifacts() {
    try (CannedServer s = new CannedServer()) {
      s.answer(201, "{\"token\":\"tok\",\"tenant\":\"acme\",\"role\":\"user\"}")
          .answer(201, "{\"digest\":\"sha256:ab\",\"size\":3}");
      GaleClient c = s.client(RetryPolicy.none());
      CreatedToken t = c.createToken("acme", Role.USER);
      assertThat(t.role()).isEqualTo(Role.USER);
      assertThat(t.token()).isEqualTo("tok");
      ArtifactInfo a = c.uploadArtifact(new byte[] {1, 2, 3});
      assertThat(a).isEqualTo(new ArtifactInfo("sha256:ab", 3));
      assertThat(s.seen.get(1).contentType()).isEqualTo("application/octet-stream");
      assertThat(s.seen.get(1).body()).hasSize(3);
    }
  }

  @Test
  void takesUrlAndTokenFromTheEnvironmentOrTheTokenFile(@TempDir Path home) throws Exception {
    Files.writeString(home.resolve("token"), "from-file\n");
    try (CannedServer s = new CannedServer()) {
      s.answer(200, "{\"workers\":[]}").answer(200, "{\"workers\":[]}");
      GaleClient.fromEnvironment(
              Map.of("GALE_URL", s.url().toString(), "GALE_HOME", home.toString()))
          .workers();
      GaleClient.fromEnvironment(
              Map.of(
                  "GALE_URL",
                  s.url() + "/",
                  "GALE_HOME",
                  home.toString(),
                  "GALE_TOKEN",
                  "from-env"))
          .workers();
      assertThat(s.seen)
          .extracting(CannedServer.Seen::authorization)
          .containsExactly("Bearer from-file", "Bearer from-env");
      assertThat(s.seen).extracting(CannedServer.Seen::uri).containsOnly("/v1/workers");
    }
  }
}
