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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /** Settings of a batch pool on the testbed: the same Slurm, natively or through PBS commands. */
  private String poolSettings(String provider, int maxBlocks, String walltime, int drainSeconds) {
    String site =
        provider.equals("slurm")
            ? "\"slurmConf\":\"" + slurm.conf() + "\",\"gracePeriodSeconds\":2"
            : "\"commandEnv\":{\"SLURM_CONF\":\"" + slurm.conf() + "\"}";
    return "{\"provider\":\""
        + provider
        + "\",\"minBlocks\":0,\"maxBlocks\":"
        + maxBlocks
        + ",\"initBlocks\":0,\"slotsPerNode\":1,\"maxIdleSeconds\":3,\"drainSeconds\":"
        + drainSeconds
        + ",\"options\":{"
        + site
        + ",\"walltime\":\""
        + walltime
        + "\",\"scriptDir\":\""
        + home.resolve(provider)
        + "\"}}";
  }

  /** Submits {@code n} tasks of a function printing its batch job id after {@code sleep}. */
  private List<String> submitWhereTasks(String pool, int n, int sleep) throws Exception {
    String fn =
        call(
                "POST",
                "/v1/functions",
                "{\"name\":\"where\",\"kind\":\"shell\",\"pool\":\""
                    + pool
                    + "\",\"spec\":{\"command\":[\"sh\",\"-c\",\"sleep "
                    + sleep
                    + "; echo $SLURM_JOB_ID\"]}}")
            .get("id")
            .asText();
    ObjectNode batch = Json.object();
    ArrayNode tasks = batch.putArray("tasks");
    for (int i = 0; i < n; i++) {
      tasks.addObject().put("function", fn);
    }
    List<String> ids = new ArrayList<>();
    call("POST", "/v1/tasks", batch.toString())
        .get("tasks")
        .forEach(t -> ids.add(t.get("id").asText()));
    return ids;
  }

  /** The tasks once all ended; while waiting, notes the most blocks and every job id seen. */
  private JsonNode awaitEnded(
      String pool,
      List<String> ids,
      AtomicInteger mostBlocks,
      Set<String> jobIds,
      Set<String> drained) {
    JsonNode[] done = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(150))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              JsonNode blocks = call("GET", "/v1/pools/" + pool, null).at("/scaler/blocks");
              mostBlocks.accumulateAndGet(blocks.size(), Math::max);
              for (JsonNode b : blocks) {
                jobIds.add(b.path("jobId").asText());
                if (b.path("draining").asBoolean()) {
                  drained.add(b.path("jobId").asText());
                }
              }
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
    return done[0];
  }

  private void awaitNoJobs(String pool) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                call("GET", "/v1/pools/" + pool, null).at("/scaler/blocks").isEmpty()
                    && queuedJobs().isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"slurm", "pbs"})
  void aBurstToABatchPoolStartsJobsWhoseWorkersRunTheTasksThenScalesBackToZero(String provider)
      throws Exception {
    up = UpProcess.start(home, false, "--workers", "0");
    token = up.adminToken();
    call("PUT", "/v1/pools/hpc", poolSettings(provider, 2, "00:10:00", 0));
    List<String> ids = submitWhereTasks("hpc", 4, 1);

    AtomicInteger mostBlocks = new AtomicInteger();
    Set<String> jobIds = new HashSet<>();
    JsonNode done = awaitEnded("hpc", ids, mostBlocks, jobIds, new HashSet<>());
    assertThat(mostBlocks.get()).as("never more than maxBlocks").isBetween(1, 2);
    for (JsonNode t : done) {
      assertThat(t.get("state").asText()).as(t.toString()).isEqualTo("succeeded");
      assertThat(t.get("worker").asText()).startsWith(provider + "-");
      assertThat(t.at("/result/stdout").asText().trim())
          .as("SLURM_JOB_ID seen by the task")
          .isIn(jobIds);
    }

    awaitNoJobs("hpc");
    JsonNode idle = call("GET", "/v1/pools/hpc", null);
    assertThat(idle.at("/scaler/metrics/decisions/3b").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(idle.at("/scaler/healthy").asBoolean()).isTrue();
    up.process.destroy();
    assertThat(up.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(up.process.exitValue()).isZero();
  }

  /**
   * A one-minute job drained 35 s before its walltime: it takes no new task after ~25 s (the
   * worker's start included), the task it runs ends there, what it had prefetched is handed back, a
   * replacement job takes the rest (32 s of work in all), and nothing fails or is lost.
   */
  @Test
  void aBlockIsDrainedBeforeItsWalltimeAndReplacedWhileWorkRemains() throws Exception {
    up = UpProcess.start(home, false, "--workers", "0");
    token = up.adminToken();
    call("PUT", "/v1/pools/short", poolSettings("slurm", 1, "00:01:00", 35));
    List<String> ids = submitWhereTasks("short", 8, 4);

    Set<String> jobIds = new HashSet<>();
    Set<String> drained = new HashSet<>();
    JsonNode done = awaitEnded("short", ids, new AtomicInteger(), jobIds, drained);
    Set<String> ranIn = new HashSet<>();
    for (JsonNode t : done) {
      assertThat(t.get("state").asText()).as(t.toString()).isEqualTo("succeeded");
      for (JsonNode e : t.path("attemptErrors")) {
        assertThat(e.path("code").asText())
            .as("never cut by the walltime, only handed back unstarted: " + t)
            .isEqualTo("worker_draining");
      }
      ranIn.add(t.at("/result/stdout").asText().trim());
    }
    assertThat(drained).as("blocks seen draining").isNotEmpty();
    assertThat(ranIn).as("the work went on in a replacement job").hasSizeGreaterThanOrEqualTo(2);
    assertThat(ranIn).containsAnyElementsOf(drained);
    assertThat(call("GET", "/v1/pools/short", null).at("/scaler/metrics/decisions/4a").asInt())
        .isGreaterThanOrEqualTo(1);
    awaitNoJobs("short");
  }
}
