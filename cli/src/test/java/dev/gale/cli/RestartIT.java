package dev.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import dev.gale.scheduler.testing.PostgresServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof that a full stop and start loses nothing: {@code gale up} is stopped and started again on
 * the same store (the embedded database, then PostgreSQL) and functions, tokens and finished
 * results are all there, while tasks that were queued or running run to completion. Transfer
 * records survive too (a finished copy as it was; one whose copy was cut by the stop is no longer
 * shown running); the gateway's file roots come from the {@code gale.transfer.*} keys of the {@code
 * --config} file.
 */
class RestartIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path home;

  @Test
  void theEmbeddedStoreKeepsEverythingAcrossARestart() throws Exception {
    stopAndStartAgain();
  }

  @Test
  void postgresqlKeepsEverythingAcrossARestart() throws Exception {
    try (PostgresServer pg = PostgresServer.startOrSkip()) {
      stopAndStartAgain(
          "--store", "postgresql", "--store-url", pg.jdbcUrl(), "--store-user", pg.user());
    }
  }

  private void stopAndStartAgain(String... storeArgs) throws Exception {
    Path data = java.nio.file.Files.createDirectories(home.resolve("data"));
    java.nio.file.Files.writeString(data.resolve("in.txt"), "transferred");
    Path config =
        java.nio.file.Files.writeString(
            home.resolve("gale.properties"), "gale.transfer.file.roots=" + data + "\n");
    List<String> args = new ArrayList<>(List.of("--workers", "1", "--slots", "1"));
    args.addAll(List.of("--config", config.toString()));
    args.addAll(List.of(storeArgs));
    String copied;
    String cut;
    String user;
    String echo;
    String sleep;
    List<String> done = new ArrayList<>();
    Map<String, JsonNode> results = new java.util.HashMap<>();
    String running;
    List<String> later = new ArrayList<>();
    try (UpProcess up = UpProcess.start(home, false, args.toArray(String[]::new))) {
      String admin = up.adminToken();
      user =
          call(up.url, "POST", "/v1/tokens", admin, "{\"tenant\":\"acme\",\"role\":\"user\"}")
              .get("token")
              .asText();
      echo =
          call(
                  up.url,
                  "POST",
                  "/v1/functions",
                  user,
                  "{\"name\":\"echo\",\"kind\":\"java\",\"retries\":2,"
                      + "\"spec\":{\"class\":\"dev.gale.function.builtin.Echo\"}}")
              .get("id")
              .asText();
      sleep =
          call(
                  up.url,
                  "POST",
                  "/v1/functions",
                  user,
                  "{\"name\":\"sleep\",\"kind\":\"java\",\"retries\":3,"
                      + "\"spec\":{\"class\":\"dev.gale.function.builtin.Sleep\"}}")
              .get("id")
              .asText();
      for (int i = 0; i < 3; i++) {
        JsonNode t =
            call(
                up.url,
                "POST",
                "/v1/functions/" + echo + "/invoke",
                user,
                "{\"args\":{\"i\":" + i + "},\"wait\":30}");
        assertThat(t.get("state").asText()).isEqualTo("succeeded");
        done.add(t.get("id").asText());
        results.put(t.get("id").asText(), t.get("result"));
      }
      running =
          call(
                  up.url,
                  "POST",
                  "/v1/functions/" + sleep + "/invoke",
                  user,
                  "{\"args\":{\"seconds\":8}}")
              .get("id")
              .asText();
      JsonNode batch =
          call(
              up.url,
              "POST",
              "/v1/tasks",
              user,
              "{\"tasks\":[{\"function\":\""
                  + echo
                  + "\",\"pool\":\"later\",\"args\":{\"n\":1}},{\"function\":\""
                  + echo
                  + "\",\"pool\":\"later\",\"args\":{\"n\":2}}]}");
      batch.get("tasks").forEach(t -> later.add(t.get("id").asText()));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!call(up.url, "GET", "/v1/tasks/" + running, user, null)
          .get("state")
          .asText()
          .equals("running")) {
        assertThat(System.nanoTime()).as("the sleep task starts").isLessThan(deadline);
        Thread.sleep(100);
      }
      copied =
          call(
                  up.url,
                  "POST",
                  "/v1/transfers",
                  user,
                  "{\"source\":\""
                      + data.resolve("in.txt").toUri()
                      + "\",\"destination\":\""
                      + data.resolve("copy.txt").toUri()
                      + "\"}")
              .get("id")
              .asText();
      while (!call(up.url, "GET", "/v1/transfers/" + copied, user, null)
          .get("state")
          .asText()
          .equals("succeeded")) {
        assertThat(System.nanoTime()).as("the copy finishes").isLessThan(deadline);
        Thread.sleep(100);
      }
      assertThat(java.nio.file.Files.readString(data.resolve("copy.txt"))).isEqualTo("transferred");
      // a copy from a server that accepts and never answers: still running at the stop
      try (java.net.ServerSocket silent = new java.net.ServerSocket(0)) {
        List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread accept =
            new Thread(
                () -> {
                  try {
                    while (true) {
                      held.add(silent.accept());
                    }
                  } catch (java.io.IOException e) {
                    // closed
                  }
                });
        accept.setDaemon(true);
        accept.start();
        cut =
            call(
                    up.url,
                    "POST",
                    "/v1/transfers",
                    user,
                    "{\"source\":\"http://127.0.0.1:"
                        + silent.getLocalPort()
                        + "/big.bin\",\"destination\":\""
                        + data.resolve("big.bin").toUri()
                        + "\"}")
                .get("id")
                .asText();
        while (held.isEmpty()) {
          assertThat(System.nanoTime()).as("the stalled copy connects").isLessThan(deadline);
          Thread.sleep(100);
        }
        Thread.sleep(2000); // past the store's write delay
        up.process.destroy(); // SIGTERM: a clean stop, while one task runs and two are queued
        up.assertStopsCleanly();
        for (java.net.Socket h : held) {
          h.close();
        }
      }
    }

    try (UpProcess up = UpProcess.start(home, false, args.toArray(String[]::new))) {
      // transfer records survived: the finished one as it was, the cut one no longer running
      JsonNode t1 = call(up.url, "GET", "/v1/transfers/" + copied, user, null);
      assertThat(t1.get("state").asText()).isEqualTo("succeeded");
      assertThat(t1.get("bytesDone").asLong()).isEqualTo("transferred".length());
      JsonNode t2 = call(up.url, "GET", "/v1/transfers/" + cut + "", user, null);
      // the stopping gateway may record its cancel before the cluster goes; else the load fails it
      assertThat(t2.get("state").asText()).as(t2.toString()).isIn("failed", "cancelled");
      if (t2.get("state").asText().equals("failed")) {
        assertThat(t2.at("/error/code").asText()).isEqualTo("transfer_lost");
      }
      assertThat(call(up.url, "GET", "/v1/transfers", user, null).get("transfers"))
          .extracting(t -> t.get("id").asText())
          .contains(copied, cut);
      // the user token and the functions survived
      JsonNode functions = call(up.url, "GET", "/v1/functions", user, null).get("functions");
      assertThat(functions).extracting(f -> f.get("id").asText()).contains(echo, sleep);
      // finished results are there, unchanged
      for (String id : done) {
        JsonNode t = call(up.url, "GET", "/v1/tasks/" + id, user, null);
        assertThat(t.get("state").asText()).isEqualTo("succeeded");
        assertThat(t.get("result")).isEqualTo(results.get(id));
      }
      // the task that was running runs to completion
      JsonNode r = call(up.url, "GET", "/v1/tasks/" + running + "?wait=60", user, null);
      assertThat(r.get("state").asText()).as(r.toString()).isEqualTo("succeeded");
      // queued tasks are still queued and run once a worker of their pool comes
      for (String id : later) {
        assertThat(call(up.url, "GET", "/v1/tasks/" + id, user, null).get("state").asText())
            .isEqualTo("queued");
      }
      String workerToken =
          call(
                  up.url,
                  "POST",
                  "/v1/tokens",
                  up.adminToken(),
                  "{\"tenant\":\"acme\",\"role\":\"worker\"}")
              .get("token")
              .asText();
      try (RoleProcess w =
          RoleProcess.start(
              "later-worker",
              Map.of("GALE_WORKER_TOKEN", workerToken),
              "worker",
              "--url",
              up.url.toString(),
              "--pool",
              "later",
              "--slots",
              "1")) {
        for (String id : later) {
          JsonNode t = call(up.url, "GET", "/v1/tasks/" + id + "?wait=60", user, null);
          assertThat(t.get("state").asText()).as(t + "\n" + w.output()).isEqualTo("succeeded");
        }
      }
      up.process.destroy();
      up.assertStopsCleanly();
    }
  }

  private static JsonNode call(URI base, String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(90))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isBetween(200, 202);
    return Json.readTree(r.body());
  }
}
