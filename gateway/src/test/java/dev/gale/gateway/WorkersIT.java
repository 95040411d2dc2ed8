package dev.gale.gateway;

import static dev.gale.gateway.testing.GatewayHarness.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Role;
import dev.gale.api.protocol.ArtifactRequest;
import dev.gale.gateway.testing.GatewayHarness;
import dev.gale.gateway.testing.Http;
import dev.gale.gateway.testing.TestWorker;
import io.vertx.core.http.UpgradeRejectedException;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The worker endpoint: dispatch, cancel, loss, drain, artifacts and its authentication. */
class WorkersIT {
  private static GatewayHarness h;
  private static String user;

  @BeforeAll
  static void start() {
    h = new GatewayHarness();
    user = h.token("acme", Role.USER);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  private static String invokeAsync(String fn, Object args) {
    Http.Reply r = h.http.post("/v1/functions/" + fn + "/invoke", user, args("args", args));
    assertThat(r.status()).as(r.toString()).isEqualTo(202);
    return r.json().get("id").asText();
  }

  private static JsonNode task(String id, double wait) {
    return h.http.get("/v1/tasks/" + id + "?wait=" + wait, user).json();
  }

  @Test
  void cancellingAQueuedTaskMeansItNeverRunsAndASecondCancelIsAConflict() {
    String pool = GatewayHarness.newPool();
    String fn = h.echoFunction(user, pool, 0, false);
    String id = invokeAsync(fn, args("n", 1));

    Http.Reply c = h.http.post("/v1/tasks/" + id + "/cancel", user, null);
    assertThat(c.status()).as(c.toString()).isEqualTo(200);
    assertThat(c.json().get("state").asText()).isEqualTo("cancelled");
    assertThat(h.http.post("/v1/tasks/" + id + "/cancel", user, null).status()).isEqualTo(409);

    TestWorker w = h.worker("w-cancel-q", pool, 1, 0);
    String other = invokeAsync(fn, args("n", 2));
    assertThat(task(other, 10).get("state").asText()).isEqualTo("succeeded");
    assertThat(w.receivedIds()).doesNotContain(id);
  }

  @Test
  void cancellingARunningTaskTellsItsWorker() {
    String pool = GatewayHarness.newPool();
    TestWorker w = h.worker("w-cancel-r", pool, 1, 0);
    String fn = h.echoFunction(user, pool, 0, false);
    String id = invokeAsync(fn, args("hold", true));
    await().atMost(Duration.ofSeconds(10)).until(() -> w.receivedIds().contains(id));

    Http.Reply c = h.http.post("/v1/tasks/" + id + "/cancel", user, null);
    assertThat(c.json().get("state").asText()).isEqualTo("cancelled");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> w.cancels.stream().anyMatch(x -> x.taskIds().contains(id)));
    // The worker's report of the kill frees its slot: the next task runs.
    String next = invokeAsync(fn, args("n", 3));
    assertThat(task(next, 10).get("state").asText()).isEqualTo("succeeded");
  }

  @Test
  void aBlockAskedToDrainGetsNoNewTaskAndItsWorkersThatConnectLaterAreDrainedOnArrival() {
    String pool = GatewayHarness.newPool();
    TestWorker busy = h.worker("blk-drain-1@0", pool, 1, 0);
    String fn = h.echoFunction(user, pool, 0, false);
    String held = invokeAsync(fn, args("hold", true));
    await().atMost(Duration.ofSeconds(10)).until(() -> busy.receivedIds().contains(held));

    h.scheduler.drainBlock("blk-drain-1"); // what the elastic scaler does before stopping it
    await().atMost(Duration.ofSeconds(10)).until(() -> busy.drained);
    TestWorker late = h.worker("blk-drain-1@1", pool, 1, 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> late.drained);
    String queued = invokeAsync(fn, args("n", 1));
    TestWorker other = h.worker("blk-other", pool, 1, 0);
    assertThat(task(queued, 10).get("state").asText()).isEqualTo("succeeded");
    assertThat(other.receivedIds()).containsExactly(queued);
    assertThat(busy.receivedIds()).containsExactly(held);
    assertThat(late.receivedIds()).isEmpty();
    assertThat(other.drained).isFalse();

    busy.releaseAll(); // the running task goes on to its end
    assertThat(task(held, 10).get("state").asText()).isEqualTo("succeeded");
  }

  @Test
  void aDrainRequestReachesTheBlocksWorkersAtOnceNotAtTheNextPoll() {
    // heartbeats of a minute: the gateway's own poll of drain requests comes every 30 s
    try (GatewayHarness own =
        new GatewayHarness(GatewayOptions.builder().port(0).heartbeatSeconds(60).build())) {
      TestWorker w = own.worker("blk-drain-now@0", GatewayHarness.newPool(), 1, 0);
      TestWorker other = own.worker("blk-keep-now", GatewayHarness.newPool(), 1, 0);
      own.scheduler.drainBlock("blk-drain-now");
      await().atMost(Duration.ofSeconds(10)).until(() -> w.drained);
      assertThat(other.drained).isFalse();
    }
  }

  @Test
  void whatAWorkerOfADrainedBlockHeldWhenItWasStoppedGoesBackWithoutUsingARetry() {
    String pool = GatewayHarness.newPool();
    TestWorker stopped = h.worker("blk-drain-2@0", pool, 1, 0);
    String fn = h.echoFunction(user, pool, 0, false); // no retries
    String id = invokeAsync(fn, args("hold", true, "v", 3));
    await().atMost(Duration.ofSeconds(10)).until(() -> stopped.receivedIds().contains(id));
    // the drain message reaches the worker asynchronously: had it acted on it, it would have
    // finished the task before the close below (a race the clean-clone CI lost once)
    stopped.obeysDrain = false;

    h.scheduler.drainBlock("blk-drain-2");
    stopped.close(); // the scaler cancelled the block under a task it had not seen yet
    TestWorker next = h.worker("blk-next", pool, 1, 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> next.receivedIds().contains(id));
    next.releaseAll();
    JsonNode t = task(id, 10);
    assertThat(t.get("state").asText()).isEqualTo("succeeded");
    assertThat(t.get("attempts").asInt()).isEqualTo(2);
    assertThat(t.at("/attemptErrors/0/code").asText()).isEqualTo("worker_stopped");
    assertThat(t.at("/attemptErrors/0/message").asText()).contains("drained");
  }

  @Test
  void aDisconnectedWorkersTasksAreRequeuedWhileRetriesRemain() {
    String pool = GatewayHarness.newPool();
    TestWorker first = h.worker("w-dies", pool, 2, 0);
    String fn = h.echoFunction(user, pool, 1, false);
    String id = invokeAsync(fn, args("hold", true, "v", 7));
    await().atMost(Duration.ofSeconds(10)).until(() -> first.receivedIds().contains(id));

    first.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "queued".equals(task(id, 0).get("state").asText()));
    TestWorker second = h.worker("w-takes-over", pool, 1, 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> second.receivedIds().contains(id));
    second.releaseAll();
    JsonNode t = task(id, 10);
    assertThat(t.get("state").asText()).isEqualTo("succeeded");
    assertThat(t.get("attempts").asInt()).isEqualTo(2);
    assertThat(t.get("worker").asText()).isEqualTo("w-takes-over");
    assertThat(t.at("/attemptErrors/0/code").asText()).isEqualTo("worker_lost");
  }

  @Test
  void aDisconnectedWorkersTasksFailWithWorkerLostWithoutRetries() {
    String pool = GatewayHarness.newPool();
    TestWorker w = h.worker("w-dies-2", pool, 1, 0);
    String fn = h.echoFunction(user, pool, 0, false);
    String id = invokeAsync(fn, args("hold", true));
    await().atMost(Duration.ofSeconds(10)).until(() -> w.receivedIds().contains(id));

    w.close();
    JsonNode t = task(id, 10);
    assertThat(t.get("state").asText()).isEqualTo("failed");
    assertThat(t.at("/error/code").asText()).isEqualTo("worker_lost");
  }

  @Test
  void aWorkerThatReconnectsUnderTheSameIdReplacesItsOldConnection() {
    String pool = GatewayHarness.newPool();
    TestWorker old = h.worker("w-twice", pool, 1, 0);
    String fn = h.echoFunction(user, pool, 1, false);
    String id = invokeAsync(fn, args("hold", true));
    await().atMost(Duration.ofSeconds(10)).until(() -> old.receivedIds().contains(id));

    TestWorker again = h.worker("w-twice", pool, 1, 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> old.closed);
    await().atMost(Duration.ofSeconds(10)).until(() -> again.receivedIds().contains(id));
    again.releaseAll();
    JsonNode t = task(id, 10);
    assertThat(t.get("state").asText()).isEqualTo("succeeded");
    assertThat(t.get("attempts").asInt()).isEqualTo(2);
    assertThat(h.http.get("/v1/workers", user).json().toString()).contains("w-twice");
  }

  @Test
  void aSilentWorkerIsLostAfterThreeHeartbeatPeriods() {
    String pool = GatewayHarness.newPool();
    TestWorker w = h.worker("w-silent", pool, 1, 0);
    String fn = h.echoFunction(user, pool, 0, false);
    String id = invokeAsync(fn, args("hold", true));
    await().atMost(Duration.ofSeconds(10)).until(() -> w.receivedIds().contains(id));

    w.heartbeats = false;
    JsonNode t = task(id, 15);
    assertThat(t.get("state").asText()).isEqualTo("failed");
    assertThat(t.at("/error/code").asText()).isEqualTo("worker_lost");
    await().atMost(Duration.ofSeconds(5)).until(() -> w.closed);
  }

  @Test
  void workersAreListedWithTheirPoolAndSlotsAndPoolsShowTheirLoad() {
    String pool = GatewayHarness.newPool();
    h.worker("w-listed", pool, 3, 1);
    Http.Reply r = h.http.get("/v1/workers", user);
    assertThat(r.status()).isEqualTo(200);
    JsonNode mine = null;
    for (JsonNode w : r.json().get("workers")) {
      if (w.get("id").asText().equals("w-listed")) {
        mine = w;
      }
    }
    assertThat(mine).isNotNull();
    assertThat(mine.get("pool").asText()).isEqualTo(pool);
    assertThat(mine.get("slots").asInt()).isEqualTo(3);
    assertThat(mine.get("gateway").asText()).isEqualTo(h.gateway.id());

    Http.Reply p = h.http.get("/v1/pools/" + pool, user);
    assertThat(p.status()).as(p.toString()).isEqualTo(200);
    assertThat(p.json().get("workers").asInt()).isEqualTo(1);
    assertThat(p.json().get("slots").asInt()).isEqualTo(3);
    assertThat(h.http.get("/v1/pools", user).json().get("pools").toString()).contains(pool);
  }

  @Test
  void aWorkerAsksForAnArtifactAndGetsItsBytes() throws Exception {
    byte[] jar = jar();
    Http.Reply up = h.http.postBytes("/v1/artifacts", user, jar, "application/java-archive");
    assertThat(up.status()).as(up.toString()).isEqualTo(201);
    String digest = up.json().get("digest").asText();
    assertThat(up.json().get("size").asInt()).isEqualTo(jar.length);

    TestWorker w = h.worker("w-artifact", GatewayHarness.newPool(), 1, 0);
    w.send(new ArtifactRequest(digest));
    w.send(new ArtifactRequest("sha256:" + "0".repeat(64)));
    await().atMost(Duration.ofSeconds(10)).until(() -> w.artifacts.size() == 2);
    // answers may come in either order (each is read from the scheduler on its own)
    var byDigest = new java.util.HashMap<String, dev.gale.api.protocol.Artifact>();
    w.artifacts.forEach(a -> byDigest.put(a.digest(), a));
    assertThat(byDigest.get(digest).data()).isEqualTo(jar);
    var unknown = byDigest.get("sha256:" + "0".repeat(64));
    assertThat(unknown.data()).isNull();
    assertThat(unknown.error()).contains("unknown artifact");
  }

  @Test
  void drainingTellsWorkersToLeaveAndWaitsForThem() {
    try (GatewayHarness own = new GatewayHarness()) {
      TestWorker w = own.worker("w-drain", GatewayHarness.newPool(), 1, 0);
      own.gateway.drainWorkers(Duration.ofSeconds(10));
      assertThat(w.drained).isTrue();
      assertThat(own.gateway.connectedWorkers()).isZero();
    }
  }

  @Test
  void aPoolScopedWorkerTokenCannotServeAnotherPool() throws Exception {
    String token = h.workerToken("workers", "only-this");
    TestWorker w =
        TestWorker.connect(h.vertx, h.gateway.port(), token, "w-scope", "another", 1, 0)
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> w.closed);
    assertThat(w.errors).anyMatch(e -> e.code().equals("forbidden"));
    assertThat(w.welcome).isNull();
    w.close();
  }

  @Test
  void userTokensAndMissingTokensCannotConnectAsWorkers() {
    assertThat(rejectedStatus(user)).isEqualTo(403);
    assertThat(rejectedStatus(h.admin)).isEqualTo(403);
    assertThat(rejectedStatus(null)).isEqualTo(401);
    assertThat(rejectedStatus("gale_" + "A".repeat(43))).isEqualTo(401);
  }

  @Test
  void aPlainGetOnTheWorkerEndpointIsABadRequest() {
    String token = h.workerToken("workers", null);
    Http.Reply r = h.http.get("/v1/workers/connect", token);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_request");
  }

  @Test
  void theFirstMessageMustBeHello() throws Exception {
    String token = h.workerToken("workers", null);
    TestWorker w =
        TestWorker.connect(h.vertx, h.gateway.port(), token, "", "p", 1, 0)
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> w.closed);
    assertThat(w.errors).anyMatch(e -> e.code().equals("invalid_message"));
    w.close();
  }

  private static int rejectedStatus(String token) {
    try {
      TestWorker w =
          TestWorker.connect(h.vertx, h.gateway.port(), token, "w-rejected", "default", 1, 0)
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      w.close();
      return 101;
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(UpgradeRejectedException.class);
      return ((UpgradeRejectedException) e.getCause()).getStatus();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static byte[] jar() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
      zip.write("Manifest-Version: 1.0\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return bytes.toByteArray();
  }
}
