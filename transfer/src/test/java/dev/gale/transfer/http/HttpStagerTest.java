package dev.gale.transfer.http;

import static dev.gale.transfer.http.FileServer.cutMidBody;
import static dev.gale.transfer.http.FileServer.header;
import static dev.gale.transfer.http.FileServer.sha256Hex;
import static dev.gale.transfer.http.FileServer.stallMidBody;
import static dev.gale.transfer.http.FileServer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.transfer.StagingException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the HTTP stager adds to the contract: resume, retries, checksums, credentials. */
class HttpStagerTest {
  private static final int MIB = 1024 * 1024;

  @TempDir Path local;
  private FileServer server;
  private final List<Duration> waits = new CopyOnWriteArrayList<>();
  private HttpStager stager;
  private final byte[] data = new byte[MIB];

  @BeforeEach
  void start() throws Exception {
    server = new FileServer();
    new Random(42).nextBytes(data);
    server.files.put("/data.bin", data);
    stager = stager(HttpStagerOptions.builder().initialBackoff(Duration.ofMillis(100)).jitter(0));
  }

  private HttpStager stager(HttpStagerOptions.Builder options) {
    return new HttpStager(options.build(), waits::add);
  }

  @AfterEach
  void stop() {
    stager.close();
    server.close();
  }

  @Test
  void resumesWithARangeRequestAfterTheConnectionIsCutMidBody() throws Exception {
    server.then(cutMidBody());
    Path target = local.resolve("data.bin");

    assertThat(stager.stageIn(server.url("/data.bin"), target)).isEqualTo(data.length);

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    List<RecordedRequest> gets = server.requests("GET");
    assertThat(gets).hasSize(2);
    assertThat(gets.get(0).getHeaders().get("Range")).isNull();
    String range = gets.get(1).getHeaders().get("Range");
    assertThat(range).matches("bytes=\\d+-");
    long resumedAt = Long.parseLong(range.substring(6, range.length() - 1));
    assertThat(resumedAt).isPositive().isLessThan(data.length);
    assertThat(gets.get(1).getHeaders().get("If-Range")).isEqualTo("\"" + sha256Hex(data) + "\"");
    assertThat(waits).hasSize(1);
  }

  @Test
  void startsAgainFromZeroWhenTheServerIgnoresRange() throws Exception {
    server.ignoreRanges = true;
    server.then(cutMidBody());
    Path target = local.resolve("data.bin");

    stager.stageIn(server.url("/data.bin"), target);

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    assertThat(server.requests("GET")).hasSize(2);
    assertThat(server.requests("GET").get(1).getHeaders().get("Range")).isNotNull();
  }

  @Test
  void retriesA503HonouringRetryAfterThenSucceeds() throws Exception {
    server.then(status(503, "Retry-After", "7")).then(status(503));
    Path target = local.resolve("data.bin");

    stager.stageIn(server.url("/data.bin"), target);

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    assertThat(server.requests("GET")).hasSize(3);
    // Retry-After as asked, then the exponential backoff's second step (100 ms * 2)
    assertThat(waits).containsExactly(Duration.ofSeconds(7), Duration.ofMillis(200));
  }

  @Test
  void retriesA429AndCapsALongRetryAfter() throws Exception {
    stager.close();
    stager = stager(HttpStagerOptions.builder().maxRetryAfter(Duration.ofSeconds(30)));
    server.then(status(429, "Retry-After", "3600"));

    stager.stageIn(server.url("/data.bin"), local.resolve("data.bin"));

    assertThat(waits).containsExactly(Duration.ofSeconds(30));
  }

  @Test
  void givesUpAfterMaxRetriesWithARetryableError() {
    stager.close();
    stager =
        stager(
            HttpStagerOptions.builder()
                .maxRetries(2)
                .initialBackoff(Duration.ofMillis(10))
                .jitter(0));
    server.then(status(503)).then(status(502)).then(status(500));
    Path target = local.resolve("data.bin");

    assertThatThrownBy(() -> stager.stageIn(server.url("/data.bin"), target))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("failed after 3 attempts")
        .hasMessageContaining("500")
        .satisfies(e -> assertThat(((StagingException) e).isRetryable()).isTrue());
    assertThat(server.requests("GET")).hasSize(3);
    assertThat(waits).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20));
    assertThat(target).doesNotExist();
  }

  @Test
  void doesNotRetryANotFound() {
    assertThatThrownBy(() -> stager.stageIn(server.url("/nope"), local.resolve("nope")))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("answered 404")
        .satisfies(e -> assertThat(((StagingException) e).isRetryable()).isFalse());
    assertThat(server.requests).hasSize(1);
  }

  @Test
  void timesOutAStalledBodyAndResumes() throws Exception {
    stager.close();
    stager = stager(HttpStagerOptions.builder().readTimeout(Duration.ofMillis(300)));
    server.then(stallMidBody());
    Path target = local.resolve("data.bin");

    stager.stageIn(server.url("/data.bin"), target);

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    assertThat(server.requests("GET").get(1).getHeaders().get("Range")).startsWith("bytes=");
  }

  @Test
  void acceptsAMatchingChecksumFromTheUrlFragment() throws Exception {
    URI url = URI.create(server.url("/data.bin") + "#sha256=" + sha256Hex(data));
    Path target = local.resolve("data.bin");

    stager.stageIn(url, target);

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    assertThat(server.requests.get(0).getTarget()).isEqualTo("/data.bin");
  }

  @Test
  void refusesAChecksumMismatchAndLeavesNothingBehind() throws Exception {
    String wrong = sha256Hex("something else".getBytes());
    URI url = URI.create(server.url("/data.bin") + "#sha256=" + wrong);
    Path dir = Files.createDirectories(local.resolve("in"));

    assertThatThrownBy(() -> stager.stageIn(url, dir.resolve("data.bin")))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("checksum mismatch")
        .hasMessageContaining(wrong)
        .hasMessageContaining(sha256Hex(data))
        .satisfies(e -> assertThat(((StagingException) e).isRetryable()).isFalse());
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
    assertThat(server.requests).hasSize(1);
  }

  @Test
  void refusesAMismatchAgainstTheServersChecksumHeader() {
    server.then(header("x-checksum-sha256", sha256Hex(new byte[] {1, 2, 3})));

    assertThatThrownBy(() -> stager.stageIn(server.url("/data.bin"), local.resolve("d")))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("checksum mismatch")
        .hasMessageContaining("x-checksum-sha256 header");
  }

  @Test
  void verifiesAReprDigestAcrossAResume() throws Exception {
    String b64 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256Hex(data)));
    server.then(
        FileServer.modify(
            b ->
                b.setHeader("Repr-Digest", "sha-256=:" + b64 + ":")
                    .onResponseBody(
                        new mockwebserver3.SocketEffect.CloseSocket(true, false, false))));
    Path target = local.resolve("data.bin");

    stager.stageIn(server.url("/data.bin"), target);

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    assertThat(server.requests("GET")).hasSize(2);
  }

  @Test
  void checksAChecksumThatFirstArrivesOnTheResumedAnswerAgainstTheWholeFile() throws Exception {
    server.then(cutMidBody()).then(header("x-checksum-sha256", sha256Hex(new byte[] {9})));

    assertThatThrownBy(() -> stager.stageIn(server.url("/data.bin"), local.resolve("bad.bin")))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("checksum mismatch")
        .hasMessageContaining(sha256Hex(data));

    server.then(cutMidBody()).then(header("x-checksum-sha256", sha256Hex(data)));
    stager.stageIn(server.url("/data.bin"), local.resolve("good.bin"));
    assertThat(Files.readAllBytes(local.resolve("good.bin"))).isEqualTo(data);
  }

  @Test
  void sendsUserInfoAsBasicAuthorizationAndNotInTheUrl() throws Exception {
    URI url =
        URI.create(
            "http://gale%40example:p%20ss@127.0.0.1:" + server.url("/").getPort() + "/data.bin");

    stager.stageIn(url, local.resolve("data.bin"));

    RecordedRequest request = server.requests.get(0);
    assertThat(request.getHeaders().get("Authorization"))
        .isEqualTo("Basic " + Base64.getEncoder().encodeToString("gale@example:p ss".getBytes()));
    assertThat(request.getRequestLine()).doesNotContain("p ss").doesNotContain("p%20ss");
  }

  @Test
  void putsWithRetryAfterA503() throws Exception {
    Path out = Files.writeString(local.resolve("result.txt"), "result");
    server.then(status(503));

    assertThat(stager.stageOut(out, server.url("/up/result.txt"))).isEqualTo(6);

    assertThat(server.files.get("/up/result.txt")).isEqualTo("result".getBytes());
    assertThat(server.requests("PUT")).hasSize(2);
  }

  @Test
  void refusesASchemeItDoesNotServe() {
    assertThatThrownBy(() -> stager.stageIn(URI.create("ftp://h/x"), local.resolve("x")))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("not an http(s) URL");
  }

  @Test
  void statIsUnknownWhenTheServerRefusesHead() {
    server.then(status(405));

    var info = stager.stat(server.url("/data.bin"));

    assertThat(info.size()).isEqualTo(-1);
    assertThat(info.version()).isNull();
  }

  @Test
  void statTakesTheVersionFromAChecksumFragment() {
    URI url = URI.create(server.url("/data.bin") + "#sha256=" + sha256Hex(data));

    var info = stager.stat(url);

    assertThat(info.size()).isEqualTo(data.length);
    assertThat(info.version()).isEqualTo("sha256:" + sha256Hex(data));
  }

  @Test
  void anInterruptedThreadFailsAsCancelledInsteadOfRetrying() throws Exception {
    stager.close();
    // a blocked socket read notices the interrupt at the latest when the read times out
    stager = stager(HttpStagerOptions.builder().readTimeout(Duration.ofSeconds(2)));
    server.then(stallMidBody());
    Path target = local.resolve("data.bin");
    var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
    Thread t =
        new Thread(
            () -> {
              try {
                stager.stageIn(server.url("/data.bin"), target);
              } catch (Throwable e) {
                failure.set(e);
              }
            });
    t.start();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !server.requests("GET").isEmpty());
    t.interrupt();
    t.join(40_000);

    assertThat(t.isAlive()).isFalse();
    assertThat(failure.get())
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("interrupted")
        .satisfies(
            e ->
                assertThat(((StagingException) e).reason())
                    .isEqualTo(StagingException.Reason.CANCELLED));
    assertThat(target).doesNotExist();
  }

  @Test
  void anInterruptWhileConnectingFailsAsCancelledNotWithAnUndeclaredException() {
    // OkHttp 5 throws an undeclared InterruptedException from execute() while connecting
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> stager.stat(server.url("/data.bin")))
          .isInstanceOf(StagingException.class)
          .satisfies(
              e ->
                  assertThat(((StagingException) e).reason())
                      .isEqualTo(StagingException.Reason.CANCELLED));
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(waits).isEmpty();
  }

  @Test
  void failsRetryablyWhenNothingListensAfterItsRetries() throws Exception {
    URI dead = server.url("/data.bin");
    server.close();

    assertThatThrownBy(() -> stager.stageIn(dead, local.resolve("x")))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("failed after 6 attempts")
        .hasMessageContaining(dead.toString())
        .satisfies(e -> assertThat(((StagingException) e).isRetryable()).isTrue());
    assertThat(waits).hasSize(5);
  }

  @Test
  void readsRetryAfterAsSecondsOrAnHttpDate() {
    assertThat(HttpStager.retryAfter("12")).isEqualTo(Duration.ofSeconds(12));
    assertThat(HttpStager.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
    assertThat(HttpStager.retryAfter("soon")).isNull();
    assertThat(HttpStager.retryAfter(null)).isNull();
  }
}
