package dev.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import dev.gale.api.Role;
import dev.gale.gateway.Gateway;
import dev.gale.gateway.GatewayOptions;
import dev.gale.runtime.NodeAgent;
import dev.gale.runtime.NodeAgentOptions;
import dev.gale.scheduler.Scheduler;
import dev.gale.scheduler.SchedulerOptions;
import dev.gale.scheduler.Schedulers;
import dev.gale.transfer.TransferSettings;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code $file}, {@code outputs} and {@code resultTo} end to end through the running service: a
 * scheduler member, a gateway and a real node agent in this JVM, staging through the file stager
 * (its allowed root a temporary directory).
 */
class StagingIT {
  @TempDir static Path store;
  @TempDir static Path work;
  private static Scheduler scheduler;
  private static Vertx vertx;
  private static Gateway gateway;
  private static NodeAgent agent;
  private static String user;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    scheduler = Schedulers.member(SchedulerOptions.forTests());
    vertx = Vertx.vertx();
    gateway =
        Gateway.start(
            vertx,
            scheduler,
            GatewayOptions.builder().port(0).heartbeatSeconds(1).maxResultBytes(2000).build());
    user = gateway.tokens().mint("lab", Role.USER, null);
    agent =
        NodeAgent.start(
            NodeAgentOptions.builder()
                .gatewayUrl(URI.create("http://127.0.0.1:" + gateway.port()))
                .token(gateway.tokens().mint("workers", Role.WORKER, null))
                .slots(2)
                .workDir(work)
                .transfer(
                    TransferSettings.of(Map.of("gale.transfer.file.roots", store.toString())::get))
                .build());
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(agent::isConnected);
  }

  @AfterAll
  static void stop() throws Exception {
    agent.close();
    gateway.close();
    vertx.close().await(10, TimeUnit.SECONDS);
    scheduler.close();
  }

  private static JsonNode post(String path, String body, int expected) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .header("Authorization", "Bearer " + user)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(expected);
    return Json.readTree(r.body());
  }

  private static String register(String command, String extra) throws Exception {
    return post(
            "/v1/functions",
            "{\"name\":\"f\",\"kind\":\"shell\",\"spec\":{\"command\":"
                + command
                + "}"
                + extra
                + "}",
            201)
        .get("id")
        .asText();
  }

  private static JsonNode invoke(String fn, String args) throws Exception {
    return post("/v1/functions/" + fn + "/invoke", "{\"args\":" + args + ",\"wait\":30}", 200);
  }

  private static String url(String name) {
    return store.resolve(name).toUri().toString();
  }

  @Test
  void aFileInputIsStagedAndCatReturnsItsContent() throws Exception {
    Files.writeString(store.resolve("input.txt"), "staged content");
    String fn = register("[\"cat\",\"{input}\"]", "");
    JsonNode t = invoke(fn, "{\"input\":{\"$file\":\"" + url("input.txt") + "\"}}");
    assertThat(t.get("state").asText()).as(t.toString()).isEqualTo("succeeded");
    assertThat(t.get("result").get("stdout").asText()).isEqualTo("staged content");
  }

  @Test
  void anOutputIsUploadedToItsTemplatedUrl() throws Exception {
    String fn =
        register(
            "[\"sh\",\"-c\",\"printf %s {name} > out.txt\"]",
            ",\"outputs\":[{\"path\":\"out.txt\",\"to\":\"" + url("outs") + "/{name}.txt\"}]");
    JsonNode t = invoke(fn, "{\"name\":\"sample-7\"}");
    assertThat(t.get("state").asText()).as(t.toString()).isEqualTo("succeeded");
    assertThat(Files.readString(store.resolve("outs/sample-7.txt"))).isEqualTo("sample-7");
  }

  @Test
  void aMissingInputFailsWithStagingFailedNamingTheRedactedUrl() throws Exception {
    String fn = register("[\"cat\",\"{input}\"]", "");
    JsonNode t = invoke(fn, "{\"input\":{\"$file\":\"" + url("missing.txt") + "\"}}");
    assertThat(t.get("state").asText()).isEqualTo("failed");
    JsonNode error = t.get("error");
    assertThat(error.get("code").asText()).isEqualTo("staging_failed");
    assertThat(error.get("message").asText()).contains("missing.txt");
    assertThat(error.get("details").get("reason").asText()).isEqualTo("not_found");
  }

  @Test
  void pathTraversalInOutputsIsRefusedAtRegistration() throws Exception {
    JsonNode e =
        post(
            "/v1/functions",
            "{\"name\":\"f\",\"kind\":\"shell\",\"spec\":{\"command\":[\"true\"]},"
                + "\"outputs\":[{\"path\":\"../../etc/passwd\",\"to\":\"s3://b/k\"}]}",
            400);
    assertThat(e.get("error").get("details").get("field").asText()).isEqualTo("outputs");
  }

  @Test
  void anOversizeResultBecomesAReferenceWithResultToAndFailsWithout() throws Exception {
    String big = "[\"sh\",\"-c\",\"head -c 3000 /dev/urandom | od\"]";
    String offloading = register(big, ",\"resultTo\":\"" + url("results") + "\"");
    JsonNode t = invoke(offloading, "{}");
    assertThat(t.get("state").asText()).as(t.toString()).isEqualTo("succeeded");
    String ref = t.get("result").get("$ref_url").asText();
    assertThat(ref).endsWith("/" + t.get("id").asText() + ".json");
    assertThat(Files.size(Path.of(URI.create(ref))))
        .isEqualTo(t.get("result").get("size").asLong());

    JsonNode plain = invoke(register(big, ""), "{}");
    assertThat(plain.get("state").asText()).isEqualTo("failed");
    assertThat(plain.get("error").get("code").asText()).isEqualTo("result_too_large");
  }
}
