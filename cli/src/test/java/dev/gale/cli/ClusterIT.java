package dev.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The roles as separate processes, as a deployment runs them: three {@code gale scheduler} members,
 * two {@code gale gateway}s and two {@code gale worker}s that know both gateways. Each test
 * SIGKILLs one process while tasks flow and checks that no accepted task is lost and none ends
 * twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path home;
  private final List<RoleProcess> processes = new ArrayList<>();
  private final List<RoleProcess> schedulers = new ArrayList<>();
  private final List<RoleProcess> gateways = new ArrayList<>();
  private final List<URI> gatewayUrls = new ArrayList<>();
  private String admin;
  private String user;

  @BeforeAll
  void startCluster() throws Exception {
    String cluster = "gale-it-" + UUID.randomUUID();
    List<String> members = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      members.add("127.0.0.1:" + RoleProcess.freePort());
    }
    for (int i = 0; i < 3; i++) {
      String port = members.get(i).substring(members.get(i).indexOf(':') + 1);
      schedulers.add(
          started(
              "scheduler-" + i,
              Map.of(),
              "scheduler",
              "--host",
              "127.0.0.1",
              "--port",
              port,
              "--members",
              String.join(",", members),
              "--cluster-name",
              cluster,
              "--backup-count",
              "1",
              "--store",
              "none"));
    }
    for (RoleProcess s : schedulers) {
      s.await("Gale scheduler member .* is up", 120);
    }
    for (int i = 0; i < 2; i++) {
      int port = RoleProcess.freePort();
      gateways.add(
          started(
              "gateway-" + i,
              Map.of("GALE_GATEWAY_HEARTBEAT_SECONDS", "1"),
              "gateway",
              "--port",
              Integer.toString(port),
              "--scheduler",
              String.join(",", members),
              "--cluster-name",
              cluster,
              "--admin-token-file",
              home.resolve("admin-" + i).toString()));
      gatewayUrls.add(URI.create("http://127.0.0.1:" + port));
    }
    for (RoleProcess g : gateways) {
      g.await("gateway is up at", 120);
    }
    admin = Files.readString(home.resolve("admin-0")).trim();
    user =
        post(0, "/v1/tokens", admin, Json.object().put("tenant", "acme").put("role", "user"))
            .get("token")
            .asText();
    String workerToken =
        post(0, "/v1/tokens", admin, Json.object().put("tenant", "acme").put("role", "worker"))
            .get("token")
            .asText();
    for (int i = 0; i < 2; i++) {
      started(
          "worker-" + i,
          Map.of("GALE_WORKER_TOKEN", workerToken),
          "worker",
          "--url",
          gatewayUrls.get(0).toString(),
          "--fallback-url",
          gatewayUrls.get(1).toString(),
          "--slots",
          "2",
          "--worker-id",
          "w" + i);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (get(1, "/v1/workers", admin).get("workers").size() < 2) {
      assertThat(System.nanoTime()).as("workers connected").isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private RoleProcess started(String name, Map<String, String> env, String... args)
      throws Exception {
    RoleProcess p = RoleProcess.start(name, env, args);
    processes.add(p);
    return p;
  }

  @AfterAll
  void stopCluster() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
  }

  @Test
  @Order(1)
  void losingASchedulerMemberWhileTasksFlowLosesNothing() throws Exception {
    String fn = register(1);
    List<String> ids = new ArrayList<>();
    for (int batch = 0; batch < 10; batch++) {
      ids.addAll(submit(1, fn, 1_000, batch));
      if (batch == 2) {
        awaitSucceeded(ids.subList(0, 1_000));
        schedulers.get(1).kill();
      }
    }
    assertEveryTaskSucceededOnce(ids);
  }

  @Test
  @Order(2)
  void losingAGatewayMovesItsWorkersToTheOtherAndLosesNothing() throws Exception {
    String fn = register(1);
    List<String> ids = new ArrayList<>();
    // short sleeps so that tasks are on the workers when their gateway dies
    for (int batch = 0; batch < 4; batch++) {
      ids.addAll(submitSleeps(1, fn, 100, 0.02));
    }
    Thread.sleep(500);
    gateways.get(0).kill();
    for (int batch = 0; batch < 4; batch++) {
      ids.addAll(submitSleeps(1, fn, 100, 0.01));
    }
    assertEveryTaskSucceededOnce(ids);
    // both workers are (back) on the surviving gateway
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode workers;
    while ((workers = get(1, "/v1/workers", admin).get("workers")).size() < 2) {
      assertThat(System.nanoTime())
          .as("workers on the other gateway: " + workers + diagnostics())
          .isLessThan(deadline);
      Thread.sleep(200);
    }
    String gateway = workers.get(0).get("gateway").asText();
    assertThat(workers).allMatch(w -> w.get("gateway").asText().equals(gateway));
  }

  private String register(int retries) throws Exception {
    ObjectNode body = Json.object().put("name", "echo").put("kind", "java").put("retries", retries);
    body.putObject("spec").put("class", "dev.gale.function.builtin.Echo");
    return post(1, "/v1/functions", user, body).get("id").asText();
  }

  private List<String> submit(int gateway, String fn, int n, int batch) throws Exception {
    ObjectNode body = Json.object();
    ArrayNode tasks = body.putArray("tasks");
    for (int i = 0; i < n; i++) {
      ObjectNode t = tasks.addObject().put("function", fn);
      t.putObject("args").put("batch", batch).put("i", i);
    }
    return ids(post(gateway, "/v1/tasks", user, body));
  }

  private List<String> submitSleeps(int gateway, String fn, int n, double seconds)
      throws Exception {
    // Echo with a "sleep" arg is still Echo; use the Sleep built-in for real work on the slots
    ObjectNode f = Json.object().put("name", "sleep").put("kind", "java").put("retries", 1);
    f.putObject("spec").put("class", "dev.gale.function.builtin.Sleep");
    String sleep = post(gateway, "/v1/functions", user, f).get("id").asText();
    ObjectNode body = Json.object();
    ArrayNode tasks = body.putArray("tasks");
    for (int i = 0; i < n; i++) {
      tasks.addObject().put("function", sleep).putObject("args").put("seconds", seconds);
    }
    return ids(post(gateway, "/v1/tasks", user, body));
  }

  private static List<String> ids(JsonNode reply) {
    List<String> ids = new ArrayList<>();
    reply.get("tasks").forEach(t -> ids.add(t.get("id").asText()));
    return ids;
  }

  private void awaitSucceeded(List<String> ids) throws Exception {
    waitAll(ids, Duration.ofSeconds(120));
  }

  /** Waits until every task is terminal; then each must have succeeded, and ids are distinct. */
  private void assertEveryTaskSucceededOnce(List<String> ids) throws Exception {
    assertThat(new HashSet<>(ids)).hasSameSizeAs(ids);
    Map<String, JsonNode> tasks = waitAll(ids, Duration.ofSeconds(240));
    Map<String, Integer> byState = new HashMap<>();
    tasks.values().forEach(t -> byState.merge(t.get("state").asText(), 1, Integer::sum));
    assertThat(byState).as(diagnostics()).containsExactly(Map.entry("succeeded", ids.size()));
    // exactly one result per task: listing the tenant's succeeded tasks shows each id once
    Set<String> listed = new HashSet<>();
    String cursor = null;
    do {
      JsonNode page =
          get(
              1,
              "/v1/tasks?state=succeeded&limit=1000" + (cursor == null ? "" : "&cursor=" + cursor),
              user);
      for (JsonNode t : page.get("tasks")) {
        assertThat(listed.add(t.get("id").asText())).as("listed once").isTrue();
      }
      cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
    } while (cursor != null);
    assertThat(listed).containsAll(ids);
  }

  private Map<String, JsonNode> waitAll(List<String> ids, Duration limit) throws Exception {
    Map<String, JsonNode> out = new HashMap<>();
    long deadline = System.nanoTime() + limit.toNanos();
    for (int from = 0; from < ids.size(); from += 1_000) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 1_000));
      while (true) {
        ObjectNode body = Json.object().put("wait", 10);
        ArrayNode a = body.putArray("ids");
        chunk.forEach(a::add);
        JsonNode reply = post(1, "/v1/tasks/wait", user, body);
        boolean all = true;
        for (JsonNode t : reply.get("tasks")) {
          out.put(t.get("id").asText(), t);
          String s = t.get("state").asText();
          all &= s.equals("succeeded") || s.equals("failed") || s.equals("cancelled");
        }
        if (all) {
          break;
        }
        if (System.nanoTime() > deadline) {
          Map<String, Integer> states = new HashMap<>();
          out.values().forEach(t -> states.merge(t.get("state").asText(), 1, Integer::sum));
          List<String> stuck =
              out.values().stream()
                  .filter(t -> !t.get("state").asText().equals("succeeded"))
                  .limit(5)
                  .map(JsonNode::toString)
                  .toList();
          throw new AssertionError(
              "not all tasks ended in time: " + states + "; e.g. " + stuck + diagnostics());
        }
      }
    }
    return out;
  }

  private String diagnostics() {
    StringBuilder b = new StringBuilder();
    for (RoleProcess p : processes) {
      String out = p.output();
      b.append("\n--- ")
          .append(p.name)
          .append(" ---\n")
          .append(out.length() > 4_000 ? out.substring(out.length() - 4_000) : out);
    }
    return b.toString();
  }

  private JsonNode post(int gateway, String path, String token, JsonNode body) throws Exception {
    return send(
        HttpRequest.newBuilder(gatewayUrls.get(gateway).resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())),
        token);
  }

  private JsonNode get(int gateway, String path, String token) throws Exception {
    return send(HttpRequest.newBuilder(gatewayUrls.get(gateway).resolve(path)).GET(), token);
  }

  private static JsonNode send(HttpRequest.Builder b, String token) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            b.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 202);
    return Json.readTree(r.body());
  }
}
