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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gale up} bursting onto a real Slurm ({@code scripts/slurm-testbed.sh}): a {@code slurm}
 * pool with {@code minBlocks: 0} gets batch jobs for a burst of tasks (never more than {@code
 * maxBlocks}), each job runs {@code gale worker} through this repository's launcher, the tasks run
 * inside the jobs ({@code SLURM_JOB_ID} is the job the scaler reports for the block), and the pool
 * scales back to zero jobs once idle.
 */
class SlurmPoolScalingIT {
  @TempDir static Path testbedDir;
  private static SlurmTestbed slurm;

  @TempDir Path home;
  private UpProcess up;
  private final HttpClient http = HttpClient.newHttpClient();
  private String token;

  @BeforeAll
  static void startSlurm() throws Exception {
    slurm = SlurmTestbed.start(testbedDir);
  }

  @AfterAll
  static void stopSlurm() throws Exception {
    if (slurm != null) {
      slurm.close();
    }
  }

  @AfterEach
  void stop() {
    if (up != null) {
      up.close();
    }
  }

  private JsonNode call(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(up.url.resolve(path)).header("Authorization", "Bearer " + token);
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isLessThan(300);
    return Json.readTree(r.body());
  }

  private List<String> queuedJobs() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("squeue", "-h", "-o", "%i", "-n", "gale-hpc").redirectErrorStream(true);
    pb.environment().put("SLURM_CONF", slurm.conf().toString());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    p.waitFor(30, TimeUnit.SECONDS);
    return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
  }

  @Test
  void aBurstToASlurmPoolStartsJobsWhoseWorkersRunTheTasksThenScalesBackToZero() throws Exception {
    up = UpProcess.start(home, false, "--workers", "0");
    token = up.adminToken();
    call(
        "PUT",
        "/v1/pools/hpc",
        "{\"provider\":\"slurm\",\"minBlocks\":0,\"maxBlocks\":2,\"initBlocks\":0,"
            + "\"slotsPerNode\":1,\"maxIdleSeconds\":3,\"options\":{\"slurmConf\":\""
            + slurm.conf()
            + "\",\"walltime\":\"00:10:00\",\"gracePeriodSeconds\":2,\"scriptDir\":\""
            + home.resolve("slurm")
            + "\"}}");
    String fn =
        call(
                "POST",
                "/v1/functions",
                "{\"name\":\"where\",\"kind\":\"shell\",\"pool\":\"hpc\",\"spec\":{\"command\":"
                    + "[\"sh\",\"-c\",\"sleep 1; echo $SLURM_JOB_ID\"]}}")
            .get("id")
            .asText();
    ObjectNode batch = Json.object();
    ArrayNode tasks = batch.putArray("tasks");
    for (int i = 0; i < 4; i++) {
      tasks.addObject().put("function", fn);
    }
    List<String> ids = new ArrayList<>();
    call("POST", "/v1/tasks", batch.toString())
        .get("tasks")
        .forEach(t -> ids.add(t.get("id").asText()));

    AtomicInteger mostBlocks = new AtomicInteger();
    Set<String> jobIds = new HashSet<>();
    JsonNode[] done = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              JsonNode blocks = call("GET", "/v1/pools/hpc", null).at("/scaler/blocks");
              mostBlocks.accumulateAndGet(blocks.size(), Math::max);
              blocks.forEach(b -> jobIds.add(b.path("jobId").asText()));
              ObjectNode wait = Json.object().put("wait", 1);
              ArrayNode a = wait.putArray("ids");
              ids.forEach(a::add);
              done[0] = call("POST", "/v1/tasks/wait", wait.toString()).get("tasks");
              for (JsonNode t : done[0]) {
                String s = t.get("state").asText();
                if (s.equals("queued") || s.equals("running")) {
                  return false;
                }
              }
              return true;
            });
    assertThat(mostBlocks.get()).as("never more than maxBlocks").isBetween(1, 2);
    for (JsonNode t : done[0]) {
      assertThat(t.get("state").asText()).as(t.toString()).isEqualTo("succeeded");
      assertThat(t.get("worker").asText()).startsWith("slurm-");
      assertThat(t.at("/result/stdout").asText().trim())
          .as("SLURM_JOB_ID seen by the task")
          .isIn(jobIds);
    }

    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                call("GET", "/v1/pools/hpc", null).at("/scaler/blocks").isEmpty()
                    && queuedJobs().isEmpty());
    JsonNode idle = call("GET", "/v1/pools/hpc", null);
    assertThat(idle.at("/scaler/metrics/decisions/3b").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(idle.at("/scaler/healthy").asBoolean()).isTrue();
    up.process.destroy();
    assertThat(up.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(up.process.exitValue()).isZero();
  }
}
