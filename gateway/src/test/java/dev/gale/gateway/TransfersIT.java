package dev.gale.gateway;

import static dev.gale.gateway.testing.GatewayHarness.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import dev.gale.api.Role;
import dev.gale.api.TransferRecord;
import dev.gale.gateway.testing.GatewayHarness;
import dev.gale.gateway.testing.Http;
import dev.gale.transfer.testing.S3ProxyServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/transfers} through a real gateway and Hazelcast member: copies between file URLs (the
 * allowed root is a temporary directory, set with {@code -Dgale.transfer.file.roots}), a stalled
 * HTTP source to cancel, tenant isolation, bad input, and the sweep that fails the transfers of a
 * gateway that stopped.
 */
class TransfersIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir static Path root;
  private static GatewayHarness h;
  private static String alice;
  private static String bob;
  private static ServerSocket stalled;
  private static S3ProxyServer s3;
  private static final List<Socket> held = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    s3 = new S3ProxyServer();
    s3.blobStore.createContainer("lab");
    S3_PROPERTIES[0][1] = s3.endpoint().toString();
    for (String[] p : S3_PROPERTIES) {
      System.setProperty(p[0], p[1]);
    }
    System.setProperty("gale.transfer.file.roots", root.toString());
    // a stalled read is noticed (and a cancel with it) within seconds
    System.setProperty("gale.transfer.http.read-timeout-seconds", "2");
    h = new GatewayHarness();
    alice = h.token("alice", Role.USER);
    bob = h.token("bob", Role.USER);
    stalled = new ServerSocket(0);
    Thread accept =
        new Thread(
            () -> {
              try {
                while (true) {
                  held.add(stalled.accept()); // never answers
                }
              } catch (IOException e) {
                // closed
              }
            });
    accept.setDaemon(true);
    accept.start();
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
    s3.close();
    for (String[] p : S3_PROPERTIES) {
      System.clearProperty(p[0]);
    }
    stalled.close();
    for (Socket s : held) {
      s.close();
    }
    System.clearProperty("gale.transfer.file.roots");
    System.clearProperty("gale.transfer.http.read-timeout-seconds");
  }

  private static final String[][] S3_PROPERTIES = {
    {"gale.transfer.s3.endpoint", "set in start()"},
    {"gale.transfer.s3.region", "us-east-1"},
    {"gale.transfer.s3.path-style", "true"},
    {"gale.transfer.s3.access-key-id", S3ProxyServer.ACCESS_KEY},
    {"gale.transfer.s3.secret-access-key", S3ProxyServer.SECRET_KEY}
  };

  private static String url(Path p) {
    return p.toUri().toString();
  }

  private static JsonNode awaitState(String id, String token, String state) {
    JsonNode[] last = new JsonNode[1];
    try {
      await()
          .atMost(WAIT)
          .until(
              () -> {
                last[0] = h.http.get("/v1/transfers/" + id, token).json();
                String now = last[0].path("state").asText();
                if (!now.equals(state)
                    && List.of("succeeded", "failed", "cancelled").contains(now)) {
                  throw new AssertionError("expected " + state + ", got " + last[0]);
                }
                return state.equals(now);
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("expected " + state + ", last " + last[0], e);
    }
    return last[0];
  }

  @Test
  void aFileIsCopiedAndPolledToSucceededWithBytesDoneAndTotal() throws Exception {
    Path src = Files.writeString(root.resolve("one.txt"), "x".repeat(5000));
    Path dst = root.resolve("copies/one.txt");
    Http.Reply r =
        h.http.post("/v1/transfers", alice, args("source", url(src), "destination", url(dst)));
    assertThat(r.status()).as(r.toString()).isEqualTo(202);
    String id = r.json().get("id").asText();
    JsonNode done = awaitState(id, alice, "succeeded");
    assertThat(done.get("bytesDone").asLong()).isEqualTo(5000);
    assertThat(done.get("bytesTotal").asLong()).isEqualTo(5000);
    assertThat(Files.readString(dst)).isEqualTo("x".repeat(5000));
    assertThat(h.http.get("/v1/transfers", alice).json().get("transfers").toString()).contains(id);
  }

  @Test
  void aDirectoryIsCopiedRecursively() throws Exception {
    Path dir = Files.createDirectories(root.resolve("tree/sub"));
    Files.writeString(root.resolve("tree/a.txt"), "a");
    Files.writeString(dir.resolve("b.txt"), "bb");
    Path dst = root.resolve("tree-copy");
    Http.Reply r =
        h.http.post(
            "/v1/transfers",
            alice,
            args(
                "source",
                url(root.resolve("tree")),
                "destination",
                url(dst) + "/",
                "recursive",
                true));
    assertThat(r.status()).as(r.toString()).isEqualTo(202);
    JsonNode done = awaitState(r.json().get("id").asText(), alice, "succeeded");
    assertThat(done.get("filesDone").asLong()).isEqualTo(2);
    assertThat(done.get("bytesDone").asLong()).isEqualTo(3);
    assertThat(Files.readString(dst.resolve("a.txt"))).isEqualTo("a");
    assertThat(Files.readString(dst.resolve("sub/b.txt"))).isEqualTo("bb");
  }

  @Test
  void aRunningTransferIsCancelledAndAnotherTenantSeesNothing() {
    String source = "http://127.0.0.1:" + stalled.getLocalPort() + "/slow.bin";
    Http.Reply r =
        h.http.post(
            "/v1/transfers",
            alice,
            args("source", source, "destination", url(root.resolve("slow.bin"))));
    assertThat(r.status()).as(r.toString()).isEqualTo(202);
    String id = r.json().get("id").asText();
    awaitState(id, alice, "running");

    assertThat(h.http.get("/v1/transfers/" + id, bob).status()).isEqualTo(404);
    assertThat(h.http.post("/v1/transfers/" + id + "/cancel", bob, args()).status()).isEqualTo(404);
    assertThat(h.http.get("/v1/transfers", bob).json().get("transfers").toString())
        .doesNotContain(id);

    Http.Reply c = h.http.post("/v1/transfers/" + id + "/cancel", alice, args());
    assertThat(c.status()).as(c.toString()).isEqualTo(202);
    JsonNode cancelled = awaitState(id, alice, "cancelled");
    assertThat(cancelled.get("error").get("code").asText()).isEqualTo("cancelled");
    Http.Reply again = h.http.post("/v1/transfers/" + id + "/cancel", alice, args());
    assertThat(again.status()).as(again.toString()).isEqualTo(409);
  }

  @Test
  void aPrefixGoesFromFileToS3AndBack() throws Exception {
    Files.createDirectories(root.resolve("run7/plots"));
    Files.writeString(root.resolve("run7/table.csv"), "a,b\n1,2\n");
    Files.writeString(root.resolve("run7/plots/p.svg"), "<svg/>");
    Http.Reply up =
        h.http.post(
            "/v1/transfers",
            alice,
            args(
                "source",
                url(root.resolve("run7")),
                "destination",
                "s3://lab/runs/7/",
                "recursive",
                true));
    assertThat(up.status()).as(up.toString()).isEqualTo(202);
    JsonNode done = awaitState(up.json().get("id").asText(), alice, "succeeded");
    assertThat(done.get("filesDone").asLong()).isEqualTo(2);
    assertThat(done.get("bytesTotal").asLong()).isEqualTo(14);

    Path back = root.resolve("run7-back");
    Http.Reply down =
        h.http.post(
            "/v1/transfers",
            alice,
            args("source", "s3://lab/runs/7", "destination", url(back) + "/", "recursive", true));
    assertThat(down.status()).as(down.toString()).isEqualTo(202);
    awaitState(down.json().get("id").asText(), alice, "succeeded");
    assertThat(Files.readString(back.resolve("table.csv"))).isEqualTo("a,b\n1,2\n");
    assertThat(Files.readString(back.resolve("plots/p.svg"))).isEqualTo("<svg/>");

    Http.Reply one =
        h.http.post(
            "/v1/transfers",
            alice,
            args("source", "s3://lab/runs/7/table.csv", "destination", url(root.resolve("t.csv"))));
    JsonNode single = awaitState(one.json().get("id").asText(), alice, "succeeded");
    assertThat(single.get("bytesDone").asLong()).isEqualTo(8);
    assertThat(Files.readString(root.resolve("t.csv"))).isEqualTo("a,b\n1,2\n");
  }

  @Test
  void aMissingSourceFailsTheTransferWithStagingFailed() {
    Http.Reply r =
        h.http.post(
            "/v1/transfers",
            alice,
            args("source", "s3://lab/nothing/here.bin", "destination", url(root.resolve("n.bin"))));
    JsonNode failed = awaitState(r.json().get("id").asText(), alice, "failed");
    assertThat(failed.get("error").get("code").asText()).isEqualTo("staging_failed");
    assertThat(failed.get("error").get("details").get("reason").asText()).isEqualTo("not_found");
  }

  @Test
  void badRequestsAre400AndUnknownIds404() {
    assertThat(h.http.post("/v1/transfers", alice, args("source", "s3://b/k")).status())
        .isEqualTo(400);
    assertThat(
            h.http
                .post(
                    "/v1/transfers",
                    alice,
                    args("source", "gopher://h/x", "destination", "s3://b/k"))
                .status())
        .isEqualTo(400);
    assertThat(
            h.http
                .post(
                    "/v1/transfers",
                    alice,
                    args("source", "https://h/x/", "destination", "s3://b/k/", "recursive", true))
                .status())
        .isEqualTo(400);
    assertThat(
            h.http
                .post(
                    "/v1/transfers",
                    alice,
                    args("source", "s3://b/k", "destination", "s3://b/k", "extra", 1))
                .status())
        .isEqualTo(400);
    assertThat(h.http.get("/v1/transfers/tr-none", alice).status()).isEqualTo(404);
  }

  @Test
  void aTransferOfAGatewayThatStoppedIsFailedBySweep() {
    var job = Json.object().put("id", "tr-lost").put("state", "running");
    h.scheduler.putTransfer(
        new TransferRecord(
            "tr-lost", "alice", "gw-gone", Instant.now().minus(Duration.ofHours(1)), job));
    JsonNode failed = awaitState("tr-lost", alice, "failed");
    assertThat(failed.get("error").get("code").asText()).isEqualTo("transfer_lost");
    assertThat(failed.get("error").get("message").asText()).contains("gw-gone");
  }
}
