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
import dev.gale.transfer.testing.S3ProxyServer;
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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code $file}, {@code outputs} and {@code resultTo} end to end through the running service: a
 * scheduler member, a gateway and a real node agent in this JVM, staging through the file stager
 * (its allowed root a temporary directory); and the same through S3 (S3Proxy in this JVM) with a
 * {@code gale worker} process of pool {@code s3}, configured only by its {@code GALE_TRANSFER_S3_*}
 * environment.
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
  private static final String S3_ACCESS_KEY = S3ProxyServer.ACCESS_KEY;
  private static final String S3_SECRET_KEY = S3ProxyServer.SECRET_KEY;
  private static S3ProxyServer s3proxy;
  private static S3Client s3;
  private static RoleProcess s3Worker;

  @BeforeAll
  static void start() throws Exception {
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
    startS3Worker();
  }

  /** S3Proxy on loopback with bucket {@code lab}, and a worker process that reaches it. */
  private static void startS3Worker() throws Exception {
    s3proxy = new S3ProxyServer();
    URI endpoint = s3proxy.endpoint();
    s3 =
        S3Client.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(S3_ACCESS_KEY, S3_SECRET_KEY)))
            .build();
    s3.createBucket(b -> b.bucket("lab"));
    s3Worker =
        RoleProcess.start(
            "s3-worker",
            Map.of(
                "GALE_WORKER_TOKEN",
                gateway.tokens().mint("workers", Role.WORKER, null),
                "GALE_HOME",
                work.resolve("s3-worker-home").toString(),
                "GALE_TRANSFER_S3_ENDPOINT",
                endpoint.toString(),
                "GALE_TRANSFER_S3_REGION",
                "us-east-1",
                "GALE_TRANSFER_S3_PATH_STYLE",
                "true",
                "GALE_TRANSFER_S3_ACCESS_KEY_ID",
                S3_ACCESS_KEY,
                "GALE_TRANSFER_S3_SECRET_ACCESS_KEY",
                S3_SECRET_KEY),
            "worker",
            "--url",
            "http://127.0.0.1:" + gateway.port(),
            "--pool",
            "s3",
            "--slots",
            "2",
            "--drain-seconds",
            "1");
    Awaitility.await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> get("/v1/workers").toString().contains("\"s3\""));
  }

  @AfterAll
  static void stop() throws Exception {
    if (s3Worker != null) {
      s3Worker.close();
      assertThat(s3Worker.output()).doesNotContain(S3_SECRET_KEY);
    }
    if (s3 != null) {
      s3.close();
    }
    if (s3proxy != null) {
      s3proxy.close();
    }
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

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .header("Authorization", "Bearer " + gateway.tokens().mint("ops", Role.ADMIN, null))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
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

  /** Runs on the worker of pool {@code s3}. */
  private static JsonNode invokeOnS3Worker(String fn, String args) throws Exception {
    return post(
        "/v1/functions/" + fn + "/invoke",
        "{\"args\":" + args + ",\"pool\":\"s3\",\"wait\":60}",
        200);
  }

  private static String s3Text(String key) {
    return s3.getObjectAsBytes(b -> b.bucket("lab").key(key)).asUtf8String();
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

  @Test
  void anS3InputIsStagedByAWorkerConfiguredThroughItsEnvironment() throws Exception {
    s3.putObject(b -> b.bucket("lab").key("in/data.txt"), RequestBody.fromString("from s3"));
    String fn = register("[\"cat\",\"{input}\"]", "");
    JsonNode t = invokeOnS3Worker(fn, "{\"input\":{\"$file\":\"s3://lab/in/data.txt\"}}");
    assertThat(t.get("state").asText()).as(t.toString()).isEqualTo("succeeded");
    assertThat(t.get("result").get("stdout").asText()).isEqualTo("from s3");
    assertThat(t.get("pool").asText()).isEqualTo("s3");
  }

  @Test
  void anOutputIsUploadedToS3() throws Exception {
    String fn =
        register(
            "[\"sh\",\"-c\",\"printf %s {name} > out.txt\"]",
            ",\"outputs\":[{\"path\":\"out.txt\",\"to\":\"s3://lab/outs/{name}.txt\"}]");
    JsonNode t = invokeOnS3Worker(fn, "{\"name\":\"sample-9\"}");
    assertThat(t.get("state").asText()).as(t.toString()).isEqualTo("succeeded");
    assertThat(s3Text("outs/sample-9.txt")).isEqualTo("sample-9");
  }

  @Test
  void anOversizeResultIsOffloadedToS3() throws Exception {
    String big = "[\"sh\",\"-c\",\"head -c 3000 /dev/urandom | od\"]";
    String fn = register(big, ",\"resultTo\":\"s3://lab/results\"");
    JsonNode t = invokeOnS3Worker(fn, "{}");
    assertThat(t.get("state").asText()).as(t.toString()).isEqualTo("succeeded");
    String ref = t.get("result").get("$ref_url").asText();
    assertThat(ref).isEqualTo("s3://lab/results/" + t.get("id").asText() + ".json");
    String stored = s3Text("results/" + t.get("id").asText() + ".json");
    assertThat((long) stored.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
        .isEqualTo(t.get("result").get("size").asLong());
    assertThat(Json.readTree(stored).get("stdout").asText()).isNotBlank();
  }

  @Test
  void aMissingS3ObjectFailsWithStagingFailed() throws Exception {
    String fn = register("[\"cat\",\"{input}\"]", "");
    JsonNode t = invokeOnS3Worker(fn, "{\"input\":{\"$file\":\"s3://lab/in/nothing.txt\"}}");
    assertThat(t.get("state").asText()).isEqualTo("failed");
    assertThat(t.get("error").get("code").asText()).isEqualTo("staging_failed");
    assertThat(t.get("error").get("message").asText()).contains("s3://lab/in/nothing.txt");
    assertThat(t.toString()).doesNotContain(S3_SECRET_KEY);
  }
}
