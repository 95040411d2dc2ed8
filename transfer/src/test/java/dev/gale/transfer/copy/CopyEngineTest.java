package dev.gale.transfer.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.ConflictException;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.api.NotFoundException;
import dev.gale.transfer.Stagers;
import dev.gale.transfer.file.FileStager;
import dev.gale.transfer.globus.GlobusStager;
import dev.gale.transfer.globus.GlobusStandIn;
import dev.gale.transfer.http.FileServer;
import dev.gale.transfer.http.HttpStager;
import dev.gale.transfer.http.HttpStagerOptions;
import dev.gale.transfer.s3.S3Stager;
import dev.gale.transfer.testing.S3ProxyServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Site-to-site copies between real stores: files, an HTTP server, S3Proxy, the Globus stand-in. */
class CopyEngineTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static S3ProxyServer s3;
  private static S3Stager s3Stager;

  @TempDir Path files;
  @TempDir Path spool;
  private FileServer http;
  private HttpStager httpStager;
  private CopyEngine engine;
  private final List<TransferJob> heard = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startS3() throws Exception {
    s3 = new S3ProxyServer();
    s3.blobStore.createContainer("bucket");
    s3Stager = new S3Stager(s3.options().build());
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3Stager.close();
    s3.close();
  }

  @BeforeEach
  void start() throws Exception {
    http = new FileServer();
    httpStager =
        new HttpStager(
            HttpStagerOptions.builder().maxRetries(0).initialBackoff(Duration.ZERO).build());
    engine = engine(CopyEngineOptions.builder(), List.of());
  }

  private CopyEngine engine(CopyEngineOptions.Builder options, List<?> more) {
    List<dev.gale.transfer.spi.Stager> all = new java.util.ArrayList<>();
    all.add(new FileStager(List.of(files)));
    all.add(httpStager);
    all.add(s3Stager);
    more.forEach(s -> all.add((dev.gale.transfer.spi.Stager) s));
    return new CopyEngine(
        new Stagers(all), options.spoolDir(spool).progressInterval(Duration.ofMillis(50)).build());
  }

  @AfterEach
  void stop() {
    engine.close();
    httpStager.close();
    http.close();
  }

  private TransferJob run(String source, String destination, boolean recursive) throws Exception {
    TransferJob queued =
        engine.submit(
            null,
            new TransferRequest(URI.create(source), URI.create(destination), recursive),
            heard::add);
    return engine.await(queued.id(), WAIT);
  }

  /** The stat (HEAD) answers normally, the download (GET) comes at 640 KiB/s. */
  private void throttleTheGetAfterTheHead() {
    http.then((request, normal) -> normal)
        .then(FileServer.modify(b -> b.throttleBody(64 * 1024, 100, TimeUnit.MILLISECONDS)));
  }

  private byte[] s3Get(String key) throws Exception {
    Path back = files.resolve("check-" + System.nanoTime());
    s3Stager.stageIn(URI.create("s3://bucket/" + key), back);
    return Files.readAllBytes(back);
  }

  @Test
  void copiesOneObjectFromHttpToS3AndReportsEachStateInOrder() throws Exception {
    byte[] data = new byte[300_000];
    new Random(1).nextBytes(data);
    http.files.put("/data/in.bin", data);

    TransferJob done = run(http.url("/data/in.bin").toString(), "s3://bucket/copies/in.bin", false);

    assertThat(done.state()).isEqualTo(TransferState.SUCCEEDED);
    assertThat(done.bytesDone()).isEqualTo(data.length);
    assertThat(done.bytesTotal()).isEqualTo(data.length);
    assertThat(done.filesDone()).isEqualTo(1);
    assertThat(done.filesTotal()).isEqualTo(1);
    assertThat(done.error()).isNull();
    assertThat(done.startedAt()).isNotNull();
    assertThat(done.finishedAt()).isAfterOrEqualTo(done.startedAt());
    assertThat(s3Get("copies/in.bin")).isEqualTo(data);
    assertThat(heard.get(0).state()).isEqualTo(TransferState.QUEUED);
    assertThat(heard.get(heard.size() - 1)).isEqualTo(done);
    assertThat(heard)
        .extracting(TransferJob::state)
        .containsSubsequence(TransferState.QUEUED, TransferState.RUNNING, TransferState.SUCCEEDED);
    try (Stream<Path> left = Files.list(spool)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aDestinationEndingInASlashReceivesTheSourceName() throws Exception {
    Path src = Files.writeString(files.resolve("report.txt"), "r");

    TransferJob done = run(src.toUri().toString(), "s3://bucket/inbox/", false);

    assertThat(done.state()).isEqualTo(TransferState.SUCCEEDED);
    assertThat(new String(s3Get("inbox/report.txt"))).isEqualTo("r");
  }

  @Test
  void copiesAPrefixRecursivelyToADirectory() throws Exception {
    for (String key :
        List.of("run/a.txt", "run/sub/b.txt", "run/sub/deeper/c.txt", "run2/not.txt")) {
      Path f = Files.writeString(files.resolve("src-" + key.replace('/', '_')), key);
      s3Stager.stageOut(f, URI.create("s3://bucket/" + key));
    }

    TransferJob done = run("s3://bucket/run", files.resolve("dest").toUri().toString(), true);

    assertThat(done.state()).isEqualTo(TransferState.SUCCEEDED);
    assertThat(done.filesTotal()).isEqualTo(3);
    assertThat(done.filesDone()).isEqualTo(3);
    assertThat(done.bytesDone()).isEqualTo(done.bytesTotal());
    assertThat(Files.readString(files.resolve("dest/sub/deeper/c.txt")))
        .isEqualTo("run/sub/deeper/c.txt");
    assertThat(files.resolve("dest/not.txt")).doesNotExist();
  }

  @Test
  void refusesRequestsThatCannotWorkAtOnce() {
    assertThatThrownBy(
            () ->
                engine.submit(
                    null,
                    new TransferRequest(http.url("/dir/"), URI.create("s3://bucket/x/"), true),
                    heard::add))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("http URLs cannot be listed");
    assertThatThrownBy(
            () ->
                engine.submit(
                    null,
                    new TransferRequest(
                        URI.create("gopher://h/x"), URI.create("s3://bucket/x"), false),
                    heard::add))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("source: no stager for URL scheme 'gopher'")
        .hasMessageContaining("known: file, http, https, s3");
    assertThatThrownBy(
            () ->
                engine.submit(
                    null,
                    new TransferRequest(
                        URI.create("s3://bucket/x"), URI.create("s3://u:p@bucket/x"), false),
                    heard::add))
        .hasMessageContaining("the same URL");
    assertThat(heard).isEmpty();
    assertThat(engine.list()).isEmpty();
  }

  @Test
  void parsesTheRequestBodyWithClearErrors() {
    TransferRequest r =
        TransferRequest.parse(
            Json.readTree(
                "{\"source\": \"s3://b/k\", \"destination\": \"file:///d/\", \"recursive\": true}"));
    assertThat(r)
        .isEqualTo(new TransferRequest(URI.create("s3://b/k"), URI.create("file:///d/"), true));
    assertThatThrownBy(() -> TransferRequest.parse(Json.readTree("{\"source\": \"s3://b/k\"}")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("destination must be a URL string");
    assertThatThrownBy(
            () ->
                TransferRequest.parse(
                    Json.readTree(
                        "{\"source\": \"https://u:s3cr3t@h/a b\", \"destination\": \"s3://b/k\"}")))
        .hasMessageStartingWith("source is not a valid URL")
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(
            () ->
                TransferRequest.parse(
                    Json.readTree(
                        "{\"source\": \"s3://b/k\", \"destination\": \"s3://b/j\", \"recursive\": \"yes\"}")))
        .hasMessage("recursive must be true or false");
  }

  @Test
  void aMissingSourceFailsWithAStagingErrorNamingTheRedactedUrl() throws Exception {
    String url = "http://user:s3cr3t@127.0.0.1:" + http.url("/").getPort() + "/nothing.bin";

    TransferJob done = run(url, "s3://bucket/never", false);

    assertThat(done.state()).isEqualTo(TransferState.FAILED);
    assertThat(done.error().code()).isEqualTo("staging_failed");
    assertThat(done.error().message()).contains("/nothing.bin").contains("404");
    assertThat(done.error().details().path("reason").asText()).isEqualTo("not_found");
    assertThat(done.source())
        .isEqualTo("http://127.0.0.1:" + http.url("/").getPort() + "/nothing.bin");
    assertThat(Json.write(done)).doesNotContain("s3cr3t");
  }

  @Test
  void reportsProgressWhileAFileIsInFlight() throws Exception {
    http.files.put("/slow.bin", new byte[1 << 20]);
    throttleTheGetAfterTheHead();

    TransferJob done =
        run(http.url("/slow.bin").toString(), files.resolve("slow.bin").toUri().toString(), false);

    assertThat(done.state()).isEqualTo(TransferState.SUCCEEDED);
    assertThat(heard)
        .filteredOn(j -> j.state() == TransferState.RUNNING)
        .anySatisfy(j -> assertThat(j.bytesDone()).isBetween(1L, (1L << 20) - 1));
    assertThat(heard)
        .filteredOn(j -> j.state() == TransferState.RUNNING)
        .anySatisfy(j -> assertThat(j.bytesPerSecond()).isPositive());
  }

  @Test
  void cancellingARunningTransferStopsItAndCleansUp() throws Exception {
    http.files.put("/huge.bin", new byte[8 << 20]);
    throttleTheGetAfterTheHead();
    TransferJob t =
        engine.submit(
            "t-1",
            new TransferRequest(http.url("/huge.bin"), files.resolve("huge.bin").toUri(), false),
            heard::add);
    await().atMost(WAIT).until(() -> engine.get("t-1").orElseThrow().bytesDone() > 0);

    TransferJob after = engine.cancel(t.id());
    TransferJob done = engine.await(t.id(), WAIT);

    assertThat(after.state()).isIn(TransferState.RUNNING, TransferState.CANCELLED);
    assertThat(done.state()).isEqualTo(TransferState.CANCELLED);
    assertThat(done.error().code()).isEqualTo("cancelled");
    assertThat(files.resolve("huge.bin")).doesNotExist();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              try (Stream<Path> left = Files.list(spool)) {
                assertThat(left).isEmpty();
              }
            });
    assertThatThrownBy(() -> engine.cancel("t-1")).isInstanceOf(ConflictException.class);
  }

  @Test
  void aQueuedTransferIsCancelledWithoutStarting() throws Exception {
    engine.close();
    engine = engine(CopyEngineOptions.builder().maxConcurrentTransfers(1), List.of());
    http.files.put("/slow.bin", new byte[2 << 20]);
    throttleTheGetAfterTheHead();
    engine.submit(
        "first",
        new TransferRequest(http.url("/slow.bin"), files.resolve("a").toUri(), false),
        j -> {});
    Path src = Files.writeString(files.resolve("small"), "s");
    engine.submit(
        "second", new TransferRequest(src.toUri(), files.resolve("b").toUri(), false), j -> {});

    TransferJob cancelled = engine.cancel("second");

    assertThat(cancelled.state()).isEqualTo(TransferState.CANCELLED);
    assertThat(cancelled.startedAt()).isNull();
    engine.cancel("first");
    TransferJob first = engine.await("first", WAIT);
    assertThat(first.state()).isEqualTo(TransferState.CANCELLED);
    assertThat(files.resolve("b")).doesNotExist();
  }

  @Test
  void idsAreUniqueAndUnknownIdsAreNotFound() throws Exception {
    Path src = Files.writeString(files.resolve("x"), "x");
    engine.submit(
        "same", new TransferRequest(src.toUri(), files.resolve("y").toUri(), false), j -> {});
    assertThatThrownBy(
            () ->
                engine.submit(
                    "same",
                    new TransferRequest(src.toUri(), files.resolve("z").toUri(), false),
                    j -> {}))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> engine.cancel("nope")).isInstanceOf(NotFoundException.class);
    assertThat(engine.get("nope")).isEmpty();
    engine.await("same", WAIT);
    assertThat(engine.forget("same")).isTrue();
    assertThat(engine.get("same")).isEmpty();
  }

  @Test
  void keepsOnlyTheNewestFinishedTransfers() throws Exception {
    engine.close();
    engine = engine(CopyEngineOptions.builder().keepFinished(1), List.of());
    Path src = Files.writeString(files.resolve("x"), "x");
    engine.submit(
        "one", new TransferRequest(src.toUri(), files.resolve("1").toUri(), false), j -> {});
    engine.await("one", WAIT);
    engine.submit(
        "two", new TransferRequest(src.toUri(), files.resolve("2").toUri(), false), j -> {});
    engine.await("two", WAIT);

    assertThat(engine.list()).extracting(TransferJob::id).containsExactly("two");
  }

  @Test
  void servesTheDocumentedJsonShape() throws Exception {
    Path src = Files.writeString(files.resolve("j"), "json");
    TransferJob done = run(src.toUri().toString(), files.resolve("k").toUri().toString(), false);

    JsonNode doc = Json.readTree(Json.write(done));

    assertThat(doc.path("state").asText()).isEqualTo("succeeded");
    assertThat(doc.path("bytesDone").asLong()).isEqualTo(4);
    assertThat(doc.has("error")).isFalse();
    assertThat(doc.fieldNames())
        .toIterable()
        .contains(
            "id",
            "source",
            "destination",
            "recursive",
            "state",
            "bytesDone",
            "bytesTotal",
            "filesDone",
            "filesTotal",
            "bytesPerSecond",
            "createdAt",
            "startedAt",
            "finishedAt");
    assertThat(doc.path("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
  }

  @Test
  void copiesBetweenGlobusCollectionsAsOneTaskAndFromGlobusToS3ThroughTheSpool(
      @TempDir Path siteA, @TempDir Path siteB) throws Exception {
    try (GlobusStandIn globus = new GlobusStandIn()) {
      globus.pollsUntilDone = 1;
      String a = globus.collection(siteA);
      String b = globus.collection(siteB);
      String node = globus.collection(spool);
      GlobusStager globusStager =
          new GlobusStager(
              globus
                  .options()
                  .localEndpoint(node, spool)
                  .poll(Duration.ofMillis(20), Duration.ofMillis(50))
                  .build());
      engine.close();
      engine = engine(CopyEngineOptions.builder(), List.of(globusStager));
      Files.createDirectories(siteA.resolve("exp/raw"));
      Files.writeString(siteA.resolve("exp/raw/1.dat"), "one");
      Files.writeString(siteA.resolve("exp/2.dat"), "two!");

      TransferJob direct = run("globus://" + a + "/exp", "globus://" + b + "/mirror", true);

      assertThat(direct.state()).isEqualTo(TransferState.SUCCEEDED);
      assertThat(direct.bytesDone()).isEqualTo(7);
      assertThat(direct.filesDone()).isEqualTo(2);
      assertThat(Files.readString(siteB.resolve("mirror/raw/1.dat"))).isEqualTo("one");
      assertThat(globus.submitted).hasSize(1);

      TransferJob viaSpool = run("globus://" + a + "/exp", "s3://bucket/from-globus", true);

      assertThat(viaSpool.state()).isEqualTo(TransferState.SUCCEEDED);
      assertThat(new String(s3Get("from-globus/raw/1.dat"))).isEqualTo("one");
      assertThat(globus.submitted).hasSize(3);
      globusStager.close();
    }
  }
}
