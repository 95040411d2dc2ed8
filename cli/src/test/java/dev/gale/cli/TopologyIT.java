package dev.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/topology.sh}: the topology the Helm chart deploys (three scheduler members, two
 * gateways, a scaler whose local blocks are the workers), started as separate processes configured
 * through the chart's environment variables, driven over HTTP through both gateways, surviving the
 * loss of a scheduler member, and stopped leaving no process behind.
 */
class TopologyIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final int BATCH = 200;

  @TempDir Path dir;
  private TopologyScript script;
  private final List<URI> gateways = new ArrayList<>();
  private final Set<String> blockIds = new HashSet<>();
  private String admin;
  private boolean stopped;

  @AfterEach
  void stopWhatRuns() throws Exception {
    if (script == null || stopped) {
      return;
    }
    script.run("stop", 180);
    script.liveRoles().forEach(ProcessHandle::destroyForcibly);
    blockIds.forEach(
        id -> TopologyScript.blockProcesses(id).forEach(ProcessHandle::destroyForcibly));
  }

  @Test
  void runsTheChartsTopologyAsProcessesLosesNoTaskWithAMemberGoneAndStopsCleanly()
      throws Exception {
    script =
        new TopologyScript(
            dir,
            Map.of(
                "TOPOLOGY_TIMEOUT", "180",
                // lean JVMs: eight of them share two cores
                "TOPOLOGY_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"));
    TopologyScript.Run start = script.run("start", 600);
    assertThat(start.code()).as(start.output() + script.logs()).isZero();
    Map<String, String> topology = script.topologyEnv();
    gateways.add(URI.create(topology.get("GATEWAY_URL_0")));
    gateways.add(URI.create(topology.get("GATEWAY_URL_1")));
    assertThat(topology.get("GATEWAY_URLS")).isEqualTo(gateways.get(0) + "," + gateways.get(1));
    admin = Files.readString(Path.of(topology.get("ADMIN_TOKEN_FILE"))).trim();
    String pool = topology.get("POOL");
    assertThat(pool).isEqualTo("local");
    assertThat(start.output()).contains("pool local: 2 workers connected");

    // configured as the chart configures its pods: the role as the only argument, the rest in
    // the environment (the admin token too, but never in a file other than the secret's)
    String members = topology.get("SCHEDULER_MEMBERS");
    for (String role : TopologyScript.ROLES) {
      long pid = script.pid(role).orElseThrow();
      String kind = role.replaceAll("-\\d$", "");
      List<String> args = TopologyScript.arguments(pid);
      assertThat(args.subList(args.indexOf("dev.gale.cli.Main") + 1, args.size()))
          .as("arguments of %s", role)
          .containsExactly(kind);
      Map<String, String> env = TopologyScript.environment(pid);
      assertThat(env)
          .as("environment of %s", role)
          .containsEntry("GALE_NO_BUILD", "1")
          .containsEntry("GALE_SCHEDULER_CLUSTER_NAME", topology.get("CLUSTER_NAME"))
          .containsEntry("GALE_HOME", dir.resolve(role).toString());
      switch (kind) {
        case "scheduler" ->
            assertThat(env)
                .containsEntry("GALE_SCHEDULER_MEMBERS", members)
                .containsEntry("GALE_SCHEDULER_BACKUP_COUNT", "1")
                .containsEntry("GALE_STORE_KIND", "none")
                .containsKey("GALE_SCHEDULER_PORT");
        case "gateway" ->
            assertThat(env)
                .containsEntry("GALE_GATEWAY_SCHEDULER", members)
                .containsEntry("GALE_GATEWAY_ADMIN_TOKEN", admin)
                .containsKey("GALE_GATEWAY_PORT");
        default ->
            assertThat(env)
                .containsEntry("GALE_SCALER_SCHEDULER", members)
                .containsEntry("GALE_SCALER_GATEWAY_URL", gateways.get(0).toString())
                .containsEntry("GALE_SCALER_POOLS_FILE", dir.resolve("pools.json").toString());
      }
      assertThat(Files.readString(dir.resolve("env/" + role + ".env"))).doesNotContain(admin);
    }

    TopologyScript.Run listing = script.run("status", 60);
    assertThat(listing.code()).as(listing.output()).isZero();
    for (String role : TopologyScript.ROLES) {
      assertThat(listing.output())
          .containsPattern("(?m)^" + role + " +" + script.pid(role).orElseThrow() + " +running ");
    }
    assertThat(listing.output())
        .contains(gateways.get(0).toString(), gateways.get(1).toString())
        .containsPattern("(?m)^block +\\d+ +running +local-");

    // the scaler's status through either gateway: its two local blocks, running, are the workers
    JsonNode status = get(1, "/v1/pools/" + pool);
    assertThat(status.at("/settings/provider").asText()).isEqualTo("local");
    assertThat(status.at("/scaler/holder").asText()).startsWith("scaler-");
    assertThat(status.at("/scaler/decision/reason").asText()).startsWith("case ");
    assertThat(status.path("workers").asInt()).as(status.toString()).isEqualTo(2);
    JsonNode blocks = status.at("/scaler/blocks");
    assertThat(blocks).hasSize(2);
    for (JsonNode b : blocks) {
      assertThat(b.get("state").asText()).isEqualTo("RUNNING");
      blockIds.add(b.get("id").asText());
      assertThat(TopologyScript.blockProcesses(b.get("id").asText()))
          .as("the node agent of block %s", b.get("id"))
          .extracting(ProcessHandle::pid)
          .containsExactly(Long.parseLong(b.get("jobId").asText()));
    }
    JsonNode workers = get(0, "/v1/workers").get("workers");
    Set<String> workerIds = new HashSet<>();
    workers.forEach(w -> workerIds.add(w.get("id").asText()));
    assertThat(workerIds).as(workers.toString()).isEqualTo(blockIds);

    // a function and a batch on the scaler's pool, registered and sent through different gateways
    ObjectNode fn =
        Json.object().put("name", "echo").put("kind", "java").put("pool", pool).put("retries", 1);
    fn.putObject("spec").put("class", "dev.gale.function.builtin.Echo");
    String function = post(0, "/v1/functions", fn).get("id").asText();
    List<String> first = submit(1, function, 0);
    Map<String, JsonNode> done = awaitAll(0, first);
    assertSucceededOnBlocks(done, 0);

    // the same task, read through each gateway
    String one = first.get(BATCH / 2);
    JsonNode viaFirst = get(0, "/v1/tasks/" + one);
    JsonNode viaSecond = get(1, "/v1/tasks/" + one);
    assertThat(viaSecond).isEqualTo(viaFirst);
    assertThat(viaFirst.at("/result/i").asInt()).isEqualTo(BATCH / 2);

    // SIGKILL one scheduler member while a batch is in flight; then another batch
    List<String> second = submit(0, function, 1);
    ProcessHandle member = ProcessHandle.of(script.pid("scheduler-1").orElseThrow()).orElseThrow();
    member.destroyForcibly();
    assertThat(member.onExit().get()).isNotNull();
    List<String> third = submit(1, function, 2);
    assertSucceededOnBlocks(awaitAll(1, second), 1);
    assertSucceededOnBlocks(awaitAll(0, third), 2);
    // nothing accepted before the loss went missing
    Map<String, JsonNode> again = awaitAll(1, first);
    assertSucceededOnBlocks(again, 0);
    for (String id : first) {
      assertThat(again.get(id).get("result")).isEqualTo(done.get(id).get("result"));
    }

    // stop: scaler, gateways, the two remaining members; every process gone, no block left over
    List<ProcessHandle> roles = script.liveRoles();
    assertThat(roles).hasSize(5);
    TopologyScript.Run stop = script.run("stop", 300);
    stopped = true;
    assertThat(stop.code()).as(stop.output() + script.logs()).isZero();
    assertThat(stop.output())
        .contains("scheduler-1 (pid " + member.pid() + ") was not running")
        .contains("topology: stopped");
    assertThat(stop.output().indexOf("SIGTERM scaler"))
        .isLessThan(stop.output().indexOf("SIGTERM gateway-0"));
    assertThat(stop.output().indexOf("SIGTERM gateway-1"))
        .isLessThan(stop.output().indexOf("SIGTERM scheduler-0"));
    // exited; reaped by init a moment later (until then the JDK calls a zombie alive)
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(roles).noneMatch(ProcessHandle::isAlive));
    for (String id : blockIds) {
      assertThat(TopologyScript.blockProcesses(id)).as("process of block " + id).isEmpty();
    }
    TopologyScript.Run after = script.run("status", 60);
    assertThat(after.code()).as(after.output()).isEqualTo(1);
    assertThat(after.output()).contains("scaler").doesNotContain("running");
  }

  @Test
  void aRoleThatCannotStartIsNamedWithItsLogAndLeavesNothingRunning() throws Exception {
    script =
        new TopologyScript(
            dir,
            Map.of(
                "TOPOLOGY_TIMEOUT", "120",
                "TOPOLOGY_SCHEDULER_EXTRA_ENV", "GALE_SCHEDULER_MAX_QUEUED_PER_POOL=lots"));
    TopologyScript.Run start = script.run("start", 300);
    Path log = dir.resolve("logs/scheduler-0.log");
    assertThat(start.code()).as(start.output()).isEqualTo(1);
    assertThat(start.output())
        .contains("topology: error: scheduler-0 (pid ")
        .contains("exited before it was up; its log: " + log)
        .contains("GALE_SCHEDULER_MAX_QUEUED_PER_POOL='lots': not an integer")
        .doesNotContain("gateway-0 is up");
    assertThat(Files.readString(dir.resolve("env/scheduler-0.env")))
        .contains("GALE_SCHEDULER_MEMBERS=127.0.0.1:")
        .contains("GALE_SCHEDULER_CLUSTER_NAME=gale-topology-");
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(script.liveRoles()).isEmpty());
    TopologyScript.Run stop = script.run("stop", 120);
    stopped = true;
    assertThat(stop.code()).as(stop.output()).isZero();
    assertThat(stop.output()).contains("scheduler-0 (pid ").contains("was not running");
  }

  /** Every task succeeded, returned its args, and ran on one of the scaler's blocks. */
  private void assertSucceededOnBlocks(Map<String, JsonNode> tasks, int batch) {
    Map<String, Integer> states = new HashMap<>();
    tasks.values().forEach(t -> states.merge(t.get("state").asText(), 1, Integer::sum));
    assertThat(states).as(script.logs()).containsExactly(Map.entry("succeeded", BATCH));
    for (JsonNode t : tasks.values()) {
      assertThat(t.at("/result/batch").asInt()).as(t.toString()).isEqualTo(batch);
      assertThat(t.get("worker").asText()).as(t.toString()).isIn(blockIds);
    }
  }

  private List<String> submit(int gateway, String function, int batch) throws Exception {
    ObjectNode body = Json.object();
    ArrayNode tasks = body.putArray("tasks");
    for (int i = 0; i < BATCH; i++) {
      tasks.addObject().put("function", function).putObject("args").put("batch", batch).put("i", i);
    }
    List<String> ids = new ArrayList<>();
    post(gateway, "/v1/tasks", body).get("tasks").forEach(t -> ids.add(t.get("id").asText()));
    assertThat(ids).hasSize(BATCH).doesNotHaveDuplicates();
    return ids;
  }

  /** Waits (generously) until every task is terminal; returns them by id. */
  private Map<String, JsonNode> awaitAll(int gateway, List<String> ids) {
    Map<String, JsonNode> out = new HashMap<>();
    await()
        .atMost(Duration.ofSeconds(180))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () -> {
              ObjectNode body = Json.object().put("wait", 10);
              ArrayNode a = body.putArray("ids");
              ids.forEach(a::add);
              boolean all = true;
              for (JsonNode t : post(gateway, "/v1/tasks/wait", body).get("tasks")) {
                out.put(t.get("id").asText(), t);
                String s = t.get("state").asText();
                all &= s.equals("succeeded") || s.equals("failed") || s.equals("cancelled");
              }
              return all;
            });
    return out;
  }

  private JsonNode post(int gateway, String path, JsonNode body) throws Exception {
    return send(
        HttpRequest.newBuilder(gateways.get(gateway).resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  private JsonNode get(int gateway, String path) throws Exception {
    return send(HttpRequest.newBuilder(gateways.get(gateway).resolve(path)).GET());
  }

  private JsonNode send(HttpRequest.Builder b) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            b.header("Authorization", "Bearer " + admin).timeout(Duration.ofSeconds(60)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 202);
    return Json.readTree(r.body());
  }
}
