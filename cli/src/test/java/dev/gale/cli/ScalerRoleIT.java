package dev.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gale scaler} as a role of a distributed deployment, configured through the environment as
 * the Helm chart does: it creates the pools of its pools file, runs their blocks, and on SIGTERM
 * leaves them to another scaler, which adopts them; with {@code scale-in-on-exit} the last one
 * stops them.
 */
class ScalerRoleIT {
  @TempDir Path home;
  private final List<RoleProcess> processes = new ArrayList<>();
  private final List<ProcessHandle> blocks = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private URI gateway;
  private String admin;

  @AfterEach
  void stopAll() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    blocks.forEach(ProcessHandle::destroyForcibly);
  }

  private RoleProcess started(String name, Map<String, String> env, String... args)
      throws Exception {
    RoleProcess p = RoleProcess.start(name, env, args);
    processes.add(p);
    return p;
  }

  private JsonNode call(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(gateway.resolve(path)).header("Authorization", "Bearer " + admin);
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return r.body().isEmpty() ? Json.object() : Json.readTree(r.body());
  }

  @Test
  void createsItsPoolsRunsTheirBlocksAndHandsThemToTheNextScalerOnSigterm() throws Exception {
    String cluster = "gale-it-" + UUID.randomUUID();
    String member = "127.0.0.1:" + RoleProcess.freePort();
    started(
            "scheduler",
            Map.of("GALE_HOME", home.resolve("scheduler").toString()), // its own fresh store
            "scheduler",
            "--port",
            member.substring(member.indexOf(':') + 1),
            "--cluster-name",
            cluster)
        .await("Gale scheduler member .* is up", 120);
    int port = RoleProcess.freePort();
    gateway = URI.create("http://127.0.0.1:" + port);
    started(
            "gateway",
            Map.of("GALE_GATEWAY_HEARTBEAT_SECONDS", "1"),
            "gateway",
            "--port",
            Integer.toString(port),
            "--scheduler",
            member,
            "--cluster-name",
            cluster,
            "--admin-token-file",
            home.resolve("admin").toString())
        .await("gateway is up at", 120);
    admin = Files.readString(home.resolve("admin")).trim();

    Path pools = home.resolve("pools.json");
    Files.writeString(
        pools,
        "{\"pools\": {\"edge\": {\"provider\": \"local\", \"minBlocks\": 1, \"initBlocks\": 1,"
            + " \"maxBlocks\": 1, \"slotsPerNode\": 2, \"options\": {\"gracePeriodSeconds\": 5}}}}");
    Map<String, String> env = new HashMap<>();
    env.put("GALE_SCALER_SCHEDULER", member);
    env.put("GALE_SCHEDULER_CLUSTER_NAME", cluster);
    env.put("GALE_SCALER_GATEWAY_URL", gateway.toString());
    env.put("GALE_SCALER_POOLS_FILE", pools.toString());
    env.put("GALE_SCALER_LEASE_TTL_SECONDS", "3");
    env.put("GALE_SCALER_POLL_MILLIS", "300");
    env.put("GALE_HOME", home.resolve("s1").toString());
    RoleProcess first = started("scaler-1", env, "scaler");
    first.await("Gale scaler is up: cluster '" + cluster + "'", 120);
    first.await("pools created from .*: edge", 10);

    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              JsonNode p = call("GET", "/v1/pools/edge", null);
              return p.path("workers").asInt() == 1
                  && p.at("/scaler/blocks/0/state").asText().equals("RUNNING");
            });
    JsonNode pool = call("GET", "/v1/pools/edge", null);
    String block = pool.at("/scaler/blocks/0/id").asText();
    String holder = pool.at("/scaler/holder").asText();
    ProcessHandle process =
        ProcessHandle.of(Long.parseLong(pool.at("/scaler/blocks/0/jobId").asText())).orElseThrow();
    blocks.add(process);
    assertThat(pool.at("/settings/provider").asText()).isEqualTo("local");

    String fn =
        call(
                "POST",
                "/v1/functions",
                "{\"name\":\"echo\",\"kind\":\"java\",\"pool\":\"edge\","
                    + "\"spec\":{\"class\":\"dev.gale.function.builtin.Echo\"}}")
            .get("id")
            .asText();
    JsonNode task =
        call("POST", "/v1/functions/" + fn + "/invoke", "{\"args\":{\"a\":1},\"wait\":60}");
    assertThat(task.get("state").asText()).as(task.toString()).isEqualTo("succeeded");
    assertThat(task.get("worker").asText()).isEqualTo(block);

    env.put("GALE_HOME", home.resolve("s2").toString());
    env.put("GALE_SCALER_SCALE_IN_ON_EXIT", "true");
    RoleProcess second = started("scaler-2", env, "scaler");
    second.await("Gale scaler is up", 120);
    first.process.destroy(); // SIGTERM: its loop stops, its lease is given up, the block stays
    assertThat(first.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(first.process.exitValue()).isZero();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              JsonNode p = call("GET", "/v1/pools/edge", null);
              return !p.at("/scaler/holder").asText().equals(holder)
                  && p.at("/scaler/blocks").size() == 1
                  && p.has("scaler")
                  && p.at("/scaler/decision").isObject();
            });
    assertThat(call("GET", "/v1/pools/edge", null).at("/scaler/blocks/0/id").asText())
        .as("adopted, not replaced")
        .isEqualTo(block);
    assertThat(process.isAlive()).isTrue();

    second.process.destroy(); // with scale-in-on-exit: the block is stopped
    assertThat(second.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(second.process.exitValue()).isZero();
    await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> call("GET", "/v1/pools/edge", null).path("workers").asInt() == 0);
  }

  @Test
  void anInvalidPoolsFileStopsTheScalerAtOnceWithTheReason() throws Exception {
    Path pools = home.resolve("pools.json");
    Files.writeString(pools, "{\"pools\": {\"x\": {\"provider\": \"slrum\"}}}");
    RoleProcess scaler =
        started(
            "scaler",
            Map.of("GALE_SCALER_POOLS_FILE", pools.toString()),
            "scaler",
            "--scheduler",
            "127.0.0.1:" + RoleProcess.freePort());
    assertThat(scaler.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(scaler.process.exitValue()).as("a configuration error").isEqualTo(2);
    assertThat(scaler.output())
        .contains(
            "error: invalid_pools_file: pools file "
                + pools
                + ": pool x: unknown provider 'slrum' (known: kubernetes, local, pbs, slurm)");
  }
}
