package dev.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gale up} with its elastic scaler: a pool set through the API starts local blocks for a
 * burst of tasks (never more than {@code maxBlocks}), shows them and the decisions in {@code GET
 * /v1/pools/{name}}, scales back to zero once idle, and goes away when deleted; the default pool
 * belongs to {@code up}; settings a provider refuses are a 400.
 */
class PoolScalingIT {
  @TempDir Path home;
  private UpProcess up;
  private final HttpClient http = HttpClient.newHttpClient();
  private String token;

  @AfterEach
  void stop() {
    if (up != null) {
      up.close();
    }
  }

  /** Status and JSON body of a request. */
  record Reply(int status, JsonNode json) {}

  private Reply call(String method, String path, Object body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(up.url.resolve(path)).header("Authorization", "Bearer " + token);
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : Json.write(body)));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body().isEmpty() ? Json.object() : Json.readTree(r.body()));
  }

  /** How many block logs of {@code up} contain the text. */
  private long logsContaining(String text) throws java.io.IOException {
    Path logs = home.resolve("logs");
    if (!java.nio.file.Files.isDirectory(logs)) {
      return 0;
    }
    try (var files = java.nio.file.Files.list(logs)) {
      return files
          .filter(
              f -> {
                try {
                  return java.nio.file.Files.readString(f).contains(text);
                } catch (java.io.IOException e) {
                  return false;
                }
              })
          .count();
    }
  }

  private JsonNode pool(String name) throws Exception {
    return call("GET", "/v1/pools/" + name, null).json();
  }

  @Test
  void aBurstToAPoolStartsLocalBlocksThatRunItsTasksAndThePoolScalesBackToZero() throws Exception {
    up = UpProcess.start(home, false, "--workers", "1", "--slots", "1");
    token = up.adminToken();

    Reply put =
        call(
            "PUT",
            "/v1/pools/burst",
            "{\"provider\":\"local\",\"minBlocks\":0,\"maxBlocks\":2,\"initBlocks\":0,"
                + "\"slotsPerNode\":1,\"maxIdleSeconds\":3}");
    assertThat(put.status()).as(put.json().toString()).isEqualTo(200);
    assertThat(put.json().at("/settings/maxBlocks").asInt()).isEqualTo(2);

    Reply fn =
        call(
            "POST",
            "/v1/functions",
            "{\"name\":\"nap\",\"kind\":\"shell\",\"pool\":\"burst\","
                + "\"spec\":{\"command\":[\"sh\",\"-c\",\"sleep 1; echo napped {n}\"]}}");
    assertThat(fn.status()).as(fn.json().toString()).isEqualTo(201);
    String fnId = fn.json().get("id").asText();
    // the pool's loop runs (no block yet: minBlocks 0, nothing queued)
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> pool("burst").at("/scaler/decision/cases").toString().contains("2"));
    assertThat(pool("burst").at("/scaler/blocks")).isEmpty();
    // the pool keeps one node agent ready (standby), not a block
    await().atMost(Duration.ofSeconds(60)).until(() -> logsContaining("ready (standby)") == 1);
    assertThat(pool("burst").at("/scaler/blocks")).isEmpty();

    ObjectNode batch = Json.object();
    ArrayNode tasks = batch.putArray("tasks");
    for (int i = 0; i < 6; i++) {
      tasks.addObject().put("function", fnId).putObject("args").put("n", i);
    }
    Reply submitted = call("POST", "/v1/tasks", batch);
    assertThat(submitted.status()).as(submitted.json().toString()).isEqualTo(202);
    List<String> ids = new ArrayList<>();
    submitted.json().get("tasks").forEach(t -> ids.add(t.get("id").asText()));

    AtomicInteger mostBlocks = new AtomicInteger();
    Set<String> blockIds = new HashSet<>();
    JsonNode[] done = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              JsonNode blocks = pool("burst").at("/scaler/blocks");
              mostBlocks.accumulateAndGet(blocks.size(), Math::max);
              blocks.forEach(b -> blockIds.add(b.get("id").asText()));
              ObjectNode wait = Json.object().put("wait", 1);
              ArrayNode a = wait.putArray("ids");
              ids.forEach(a::add);
              done[0] = call("POST", "/v1/tasks/wait", wait).json().get("tasks");
              int ended = 0;
              for (JsonNode t : done[0]) {
                ended +=
                    t.get("state").asText().equals("running")
                            || t.get("state").asText().equals("queued")
                        ? 0
                        : 1;
              }
              return ended == ids.size();
            });
    assertThat(mostBlocks.get()).as("never more than maxBlocks").isBetween(1, 2);
    assertThat(logsContaining("--- taken as block")).as("the burst took the standby").isEqualTo(1);
    for (JsonNode t : done[0]) {
      assertThat(t.get("state").asText()).as(t.toString()).isEqualTo("succeeded");
      assertThat(t.get("worker").asText()).as("ran on a block of the pool").isIn(blockIds);
      assertThat(t.at("/result/stdout").asText()).startsWith("napped ");
    }

    JsonNode busy = pool("burst");
    assertThat(busy.at("/scaler/metrics/decisions/1b").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(busy.at("/scaler/healthy").asBoolean()).isTrue();
    assertThat(busy.at("/scaler/holder").asText()).startsWith("scaler-");
    for (JsonNode b : busy.at("/scaler/blocks")) {
      assertThat(b.get("id").asText()).startsWith("local-");
      assertThat(b.get("jobId").asText()).matches("\\d+");
      assertThat(b.get("state").asText()).isEqualTo("RUNNING");
      assertThat(b.get("since").asText()).isNotEmpty();
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              JsonNode p = pool("burst");
              return p.at("/scaler/blocks").isEmpty() && p.get("workers").asInt() == 0;
            });
    JsonNode idle = pool("burst");
    // a drained agent leaves by itself once idle, so its block may end before a 4c cancel
    assertThat(idle.at("/scaler/lastAction/reason").asText()).containsAnyOf("case 3b", "case 4c");
    assertThat(idle.at("/scaler/metrics/decisions/3b").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(blockIds).allSatisfy(id -> assertThat(up.workerProcess(id)).isEmpty());

    Reply deleted = call("DELETE", "/v1/pools/burst", null);
    assertThat(deleted.status()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> call("GET", "/v1/pools/burst", null).status() == 404);

    Reply owned = call("DELETE", "/v1/pools/default", null);
    assertThat(owned.status()).isEqualTo(409);
    assertThat(owned.json().at("/error/code").asText()).isEqualTo("pool_owned");

    Reply unknown = call("PUT", "/v1/pools/x", "{\"provider\":\"slrum\"}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().at("/error/code").asText()).isEqualTo("unknown_provider");
    assertThat(unknown.json().at("/error/message").asText())
        .isEqualTo("unknown provider 'slrum' (known: kubernetes, local, pbs, slurm)");
    Reply badOption =
        call("PUT", "/v1/pools/x", "{\"provider\":\"slurm\",\"options\":{\"partiton\":\"a\"}}");
    assertThat(badOption.status()).isEqualTo(400);
    assertThat(badOption.json().at("/error/message").asText())
        .startsWith("unknown option options.partiton for provider slurm");
    assertThat(call("GET", "/v1/pools/x", null).status()).isEqualTo(404);

    up.process.destroy();
    up.assertStopsCleanly();
  }
}
