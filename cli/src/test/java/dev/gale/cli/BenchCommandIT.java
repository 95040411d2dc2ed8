package dev.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gale bench} with {@code --start} as a user runs it: a child JVM from the packaged jar that
 * starts its own {@code gale up} through the repository's launcher script, runs a graph workload,
 * writes the JSON report and stops the service.
 */
class BenchCommandIT {
  @TempDir Path dir;

  @Test
  void chainAgainstAServiceItStartsWritesTheReport() throws Exception {
    Path report = dir.resolve("chain.json");

    Result r = bench("chain", "--start", "--tasks", "50", "--json", report.toString());

    assertThat(r.code).as("exit code; stderr:\n%s", r.err).isZero();
    assertThat(r.err).as("no progress noise when stderr is not a terminal").doesNotContain("\r");
    JsonNode json = Json.readTree(Files.readString(report));
    assertThat(json.get("mode").asText()).isEqualTo("chain");
    assertThat(json.get("kind").asText()).isEqualTo("java");
    assertThat(json.get("startedService").asBoolean()).isTrue();
    assertThat(json.get("url").asText()).startsWith("http://127.0.0.1:");
    assertThat(json.get("startedAt").asText()).isNotBlank();
    assertThat(json.get("parameters").get("tasks").asInt()).isEqualTo(50);
    assertThat(json.get("machine").get("cores").asInt()).isPositive();
    assertThat(json.get("machine").get("java").asText()).isNotBlank();
    JsonNode f = json.get("figures");
    assertThat(f.get("tasks").asInt()).isEqualTo(50);
    assertThat(f.get("failed").asInt()).isZero();
    assertThat(f.get("seconds").asDouble()).isPositive();
    assertThat(f.get("tasksPerSecond").asLong()).isPositive();
    assertThat(f.get("edgeMs").get("count").asInt()).isEqualTo(49);
    assertThat(f.get("edgeMs").get("p50Ms").asDouble())
        .isLessThanOrEqualTo(f.get("edgeMs").get("maxMs").asDouble());
    assertThat(json.get("errors").get("failedTasks").asInt()).isZero();
    assertThat(json.get("errors").has("throttledRequests")).isTrue();
    // the figures also on stdout, as for the other modes
    assertThat(Json.readTree(r.out).get("mode").asText()).isEqualTo("chain");
    assertServiceGone(json.get("url").asText());
  }

  @Test
  void latencyTimesSyncInvokesOverOneKeptAliveConnection() throws Exception {
    Result r = bench("latency", "--start", "--requests", "200", "--warmup", "50", "--json", "-");

    assertThat(r.code).as("exit code; stderr:\n%s", r.err).isZero();
    JsonNode f = Json.readTree(r.out).get("figures");
    assertThat(f.get("requests").asInt()).isEqualTo(200);
    assertThat(f.get("client").asText()).isEqualTo("lean-http/1.1");
    assertThat(f.get("p50Ms").asDouble()).isPositive();
    assertThat(f.get("p50Ms").asDouble()).isLessThanOrEqualTo(f.get("p99Ms").asDouble());
    assertThat(f.get("p99Ms").asDouble()).isLessThanOrEqualTo(f.get("maxMs").asDouble());
  }

  @Test
  void fanoutOverSeveralRequestsReportsReleaseAndFanIn() throws Exception {
    Result r = bench("fanout", "--start", "--tasks", "20", "--batch", "8", "--json", "-");

    assertThat(r.code).as("exit code; stderr:\n%s", r.err).isZero();
    JsonNode json = Json.readTree(r.out);
    assertThat(json.get("mode").asText()).isEqualTo("fanout");
    assertThat(json.get("parameters").get("width").asInt()).isEqualTo(20);
    JsonNode f = json.get("figures");
    assertThat(f.get("tasks").asInt()).isEqualTo(22);
    assertThat(f.get("failed").asInt()).isZero();
    assertThat(f.get("releaseMs").get("count").asInt()).isEqualTo(20);
    assertThat(f.get("releaseMs").get("p50Ms").asDouble()).isNotNegative();
    assertThat(f.get("fanInMs").asLong()).isNotNegative();
    assertThat(f.get("fanOutTasksPerSecond").asLong()).isPositive();
  }

  @Test
  void throughputOnManyLightweightAgentsOfItsOwnPool() throws Exception {
    // the service's one worker serves pool default; the tasks can only run on the bench's agents
    Result r =
        bench(
            "throughput",
            "--start",
            "--start-workers",
            "1",
            "--agents",
            "5",
            "--agent-slots",
            "4",
            "--tasks",
            "300",
            "--batch",
            "100",
            "--json",
            "-");

    assertThat(r.code).as("exit code; stderr:\n%s", r.err).isZero();
    JsonNode json = Json.readTree(r.out);
    assertThat(json.get("parameters").get("agents").asInt()).isEqualTo(5);
    assertThat(json.get("parameters").get("agentSlots").asInt()).isEqualTo(4);
    assertThat(json.get("parameters").get("pool").asText()).startsWith("bench-");
    JsonNode f = json.get("figures");
    assertThat(f.get("slots").asInt()).isEqualTo(20);
    assertThat(f.get("tasks").asInt()).isEqualTo(300);
    assertThat(f.get("failed").asInt()).isZero();
    assertThat(f.get("tasksPerSecond").asLong()).isPositive();
    assertThat(r.err).as("the agents' own INFO lines are kept quiet").doesNotContain("INFO");
  }

  @Test
  void negativeAgentsIsAUsageError() throws Exception {
    Result r = bench("throughput", "--agents", "-1", "--url", "http://127.0.0.1:1");

    assertThat(r.code).isEqualTo(Main.USAGE);
    assertThat(r.err).contains("--agents must be >= 0");
  }

  @Test
  void startRefusesAnotherServiceUrl() throws Exception {
    Result r = bench("chain", "--start", "--url", "http://127.0.0.1:1");

    assertThat(r.code).isEqualTo(Main.USAGE);
    assertThat(r.err).contains("--start runs its own service");
  }

  private void assertServiceGone(String url) {
    int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
    assertThat(canConnect(port)).as("the started service was stopped").isFalse();
  }

  private static boolean canConnect(int port) {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private record Result(int code, String out, String err) {}

  /** Runs {@code gale bench ARGS} as {@code ./gale} would, with the repository's launcher. */
  private Result bench(String... args) throws Exception {
    assumeTrue(
        System.getProperty("gale.cli.jar") != null,
        "needs the packaged jar: runs under failsafe (a -Dtest pattern also selects it in surefire)");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(System.getProperty("gale.test.jvm", "").trim().split("\\s+")));
    cmd.add("-cp");
    cmd.add(
        System.getProperty("gale.cli.jar")
            + File.pathSeparator
            + System.getProperty("gale.cli.lib")
            + "/*");
    cmd.add("dev.gale.cli.Main");
    cmd.add("bench");
    cmd.addAll(Arrays.asList(args));
    cmd.removeIf(String::isBlank);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(dir.resolve("out.txt").toFile())
            .redirectError(dir.resolve("err.txt").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("GALE_"));
    pb.environment()
        .put(
            "GALE_LAUNCHER",
            Path.of(System.getProperty("gale.repo.dir")).resolve("gale").toRealPath().toString());
    pb.environment().put("GALE_HOME", dir.resolve("client-home").toString());
    Process p = pb.start();
    try {
      assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("gale bench ended").isTrue();
    } finally {
      p.destroyForcibly();
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    }
    return new Result(
        p.exitValue(),
        Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
  }
}
