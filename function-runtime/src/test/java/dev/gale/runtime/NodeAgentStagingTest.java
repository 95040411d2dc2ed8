package dev.gale.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import dev.gale.api.protocol.FunctionSpec;
import dev.gale.api.protocol.TaskResult;
import dev.gale.transfer.TransferSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real node agent stages {@code $file} inputs, {@code outputs} and {@code resultTo} results
 * through the file stager (the allowed root is a temporary directory).
 */
class NodeAgentStagingTest extends AgentFixture {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private Path store;

  @BeforeEach
  void createStore() throws Exception {
    store = Files.createDirectories(dir.resolve("store"));
  }

  private void startAgent() {
    TransferSettings settings =
        TransferSettings.of(Map.of("gale.transfer.file.roots", store.toString())::get);
    startConnected(b -> b.transfer(settings));
  }

  private static FunctionSpec shell(String id, String command, String outputs, String resultTo) {
    return new FunctionSpec(
        id,
        "shell",
        Json.readTree("{\"command\":" + command + "}"),
        null,
        outputs == null ? null : Json.readTree(outputs),
        resultTo);
  }

  private String url(String name) {
    return store.resolve(name).toUri().toString();
  }

  @Test
  void aFileInputIsStagedAndTheFunctionSeesItsLocalPath() throws Exception {
    startAgent();
    Files.writeString(store.resolve("in.txt"), "hello from the store");
    FunctionSpec cat = shell("cat", "[\"cat\",\"{input}\"]", null, null);
    gateway.send(batch(cat, task("t1", cat, "{\"input\":{\"$file\":\"" + url("in.txt") + "\"}}")));
    TaskResult r = gateway.awaitResult("t1", WAIT);
    assertThat(r.ok()).as(String.valueOf(r.error())).isTrue();
    assertThat(r.result().toTree().get("stdout").asText()).isEqualTo("hello from the store");
  }

  @Test
  void outputsAreUploadedToTheirTemplatedDestinations() throws Exception {
    startAgent();
    FunctionSpec write =
        shell(
            "write",
            "[\"sh\",\"-c\",\"printf %s {n} > out.txt\"]",
            "[{\"path\":\"out.txt\",\"to\":\"" + url("out") + "/{n}.txt\"}]",
            null);
    gateway.send(batch(write, task("t2", write, "{\"n\":7,\"unused\":true}")));
    TaskResult r = gateway.awaitResult("t2", WAIT);
    assertThat(r.ok()).as(String.valueOf(r.error())).isTrue();
    assertThat(Files.readString(store.resolve("out/7.txt"))).isEqualTo("7");
  }

  @Test
  void aMissingInputFailsTheTaskWithStagingFailedNamingTheUrl() {
    startAgent();
    FunctionSpec cat = shell("cat2", "[\"cat\",\"{input}\"]", null, null);
    String missing = url("nope.txt");
    gateway.send(batch(cat, task("t3", cat, "{\"input\":{\"$file\":\"" + missing + "\"}}")));
    TaskResult r = gateway.awaitResult("t3", WAIT);
    assertThat(r.ok()).isFalse();
    assertThat(r.error().code()).isEqualTo("staging_failed");
    assertThat(r.error().message()).contains("nope.txt").contains("args.input");
    assertThat(r.error().details().get("reason").asText()).isEqualTo("not_found");
  }

  @Test
  void aMissingOutputFailsTheTask() {
    startAgent();
    FunctionSpec none =
        shell(
            "none", "[\"true\"]", "[{\"path\":\"out.txt\",\"to\":\"" + url("x.txt") + "\"}]", null);
    gateway.send(batch(none, task("t4", none, "{}")));
    TaskResult r = gateway.awaitResult("t4", WAIT);
    assertThat(r.error().code()).isEqualTo("staging_failed");
    assertThat(r.error().details().get("reason").asText()).isEqualTo("not_found");
  }

  @Test
  void anOversizeResultGoesToResultToAndOtherwiseFails() throws Exception {
    gateway.maxResultBytes = 200;
    startAgent();
    String big = "[\"sh\",\"-c\",\"head -c 1000 /dev/zero | tr '\\\\\\\\0' x\"]";
    FunctionSpec offload = shell("big1", big, null, url("results"));
    FunctionSpec plain = shell("big2", big, null, null);
    gateway.send(batch(offload, task("t5", offload, "{}")));
    gateway.send(batch(plain, task("t6", plain, "{}")));

    TaskResult r = gateway.awaitResult("t5", WAIT);
    assertThat(r.ok()).as(String.valueOf(r.error())).isTrue();
    JsonNode ref = r.result().toTree();
    assertThat(ref.get("$ref_url").asText()).isEqualTo(url("results/t5.json"));
    byte[] stored = Files.readAllBytes(store.resolve("results/t5.json"));
    assertThat(ref.get("size").asLong()).isEqualTo(stored.length);
    assertThat(Json.readTree(new String(stored, StandardCharsets.UTF_8)).get("stdout").asText())
        .hasSizeGreaterThan(900);

    TaskResult failed = gateway.awaitResult("t6", WAIT);
    assertThat(failed.error().code()).isEqualTo("result_too_large");
  }
}
