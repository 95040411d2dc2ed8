package dev.gale.transfer.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import dev.gale.transfer.Stagers;
import dev.gale.transfer.StagingException;
import dev.gale.transfer.StagingException.Reason;
import dev.gale.transfer.file.FileStager;
import dev.gale.transfer.http.FileServer;
import dev.gale.transfer.http.HttpStager;
import dev.gale.transfer.http.HttpStagerOptions;
import dev.gale.transfer.s3.S3Stager;
import dev.gale.transfer.testing.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** $file inputs, the node cache, limits and outputs, with real file, HTTP and S3 stores. */
class StagingEngineTest {
  private static S3ProxyServer s3;
  private static S3Stager s3Stager;

  @TempDir Path store;
  @TempDir Path work;
  @TempDir Path cacheDir;
  private FileServer http;
  private HttpStager httpStager;
  private StagingEngine engine;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = new S3ProxyServer();
    s3.blobStore.createContainer("data");
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
            HttpStagerOptions.builder().maxRetries(1).initialBackoff(Duration.ZERO).build());
    engine = engine(StagingOptions.builder().cache(cacheDir, 1L << 30));
  }

  private StagingEngine engine(StagingOptions.Builder options) {
    // the stagers are shared: closing an engine does not close them
    Stagers stagers =
        new Stagers(List.of(new FileStager(List.of(store, work)), httpStager, s3Stager));
    return new StagingEngine(stagers, options.build());
  }

  @AfterEach
  void stop() {
    engine.close();
    httpStager.close();
    http.close();
  }

  private static JsonNode json(String text) {
    return Json.readTree(text.replace('\'', '"'));
  }

  private String s3Put(String key, String content) throws Exception {
    Path f = Files.writeString(store.resolve("upload-" + key.replace('/', '_')), content);
    s3Stager.stageOut(f, java.net.URI.create("s3://data/" + key));
    return "s3://data/" + key;
  }

  @Test
  void replacesNestedFileRefsWithTheLocalPathsOfTheirStagedCopies() throws Exception {
    String s3Url = s3Put("in/x.csv", "x,y\n");
    Path local = Files.writeString(store.resolve("y.txt"), "why");
    http.files.put("/z.bin", new byte[] {1, 2, 3});
    JsonNode args =
        json(
            "{'a': {'$file': '"
                + s3Url
                + "'}, 'n': 5, 'list': [1, {'$file': '"
                + local.toUri()
                + "'}, {'deep': {'$file': '"
                + s3Url
                + "'}}, {'$file': '"
                + http.url("/z.bin")
                + "'}]}");

    StagedInputs staged = engine.stageIn(args, work.resolve("task"));

    JsonNode out = staged.args();
    Path x = work.resolve("task/x.csv");
    assertThat(out.path("a").asText()).isEqualTo(x.toString());
    assertThat(out.path("list").get(2).path("deep").asText()).isEqualTo(x.toString());
    assertThat(out.path("list").get(1).asText()).isEqualTo(work.resolve("task/y.txt").toString());
    assertThat(out.path("list").get(3).asText()).isEqualTo(work.resolve("task/z.bin").toString());
    assertThat(out.path("n").asInt()).isEqualTo(5);
    assertThat(out.path("list").get(0).asInt()).isEqualTo(1);
    assertThat(Files.readString(x)).isEqualTo("x,y\n");
    assertThat(Files.readAllBytes(work.resolve("task/z.bin"))).containsExactly(1, 2, 3);
    assertThat(staged.files()).hasSize(3);
    assertThat(staged.bytes()).isEqualTo(4 + 3 + 3);
    assertThat(args.path("a").isObject()).as("the input args are not changed").isTrue();
  }

  @Test
  void argsWithoutRefsComeBackAsTheyAre() {
    JsonNode args = json("{'a': 1, 'b': ['$file', {'x': '$file'}]}");
    assertThat(FileRefs.present(args)).isFalse();
    assertThat(engine.stageIn(args, work).args()).isSameAs(args);
  }

  @Test
  void givesDistinctLocalNamesAndHonoursAnExplicitOne() throws Exception {
    Files.createDirectories(store.resolve("one"));
    Files.createDirectories(store.resolve("two"));
    Path a = Files.writeString(store.resolve("one/data.csv"), "1");
    Path b = Files.writeString(store.resolve("two/data.csv"), "2");
    Path c = Files.writeString(store.resolve("weird name;rm -rf.txt"), "3");
    JsonNode args =
        json(
            "{'a': {'$file': '"
                + a.toUri()
                + "'}, 'b': {'$file': '"
                + b.toUri()
                + "'}, 'c': {'$file': '"
                + c.toUri()
                + "', 'name': 'input.txt'}, 'd': {'$file': '"
                + c.toUri()
                + "'}}");

    JsonNode out = engine.stageIn(args, work).args();

    assertThat(Path.of(out.path("a").asText()).getFileName()).hasToString("data.csv");
    assertThat(Path.of(out.path("b").asText()).getFileName()).hasToString("data-2.csv");
    assertThat(Path.of(out.path("c").asText()).getFileName()).hasToString("input.txt");
    assertThat(out.path("d").asText()).isEqualTo(out.path("c").asText());
    assertThat(Files.readString(Path.of(out.path("b").asText()))).isEqualTo("2");
  }

  @Test
  void refusesMalformedRefs() {
    assertThatThrownBy(() -> engine.stageIn(json("{'a': {'$file': 3}}"), work))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("args.a.$file must be a URL string");
    assertThatThrownBy(
            () -> engine.stageIn(json("{'a': [{'$file': 's3://b/k', 'mode': 1}]}"), work))
        .hasMessageContaining("args.a[0] has 'mode' beside $file");
    assertThatThrownBy(
            () -> engine.stageIn(json("{'a': {'$file': 's3://b/k', 'name': '../../etc/x'}}"), work))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("args.a.name must be a plain file name")
        .satisfies(e -> assertThat(((StagingException) e).reason()).isEqualTo(Reason.INVALID));
    assertThatThrownBy(() -> engine.stageIn(json("{'a': {'$file': 'no scheme'}}"), work))
        .hasMessageContaining("args.a.$file is not");
  }

  @Test
  void aMissingInputFailsNamingWhereTheRedactedUrlAndTheCause() throws Exception {
    String url = "http://gale:s3cr3t@127.0.0.1:" + http.url("/").getPort() + "/missing.csv";
    JsonNode args = json("{'inputs': [{'$file': '" + url + "'}]}");

    StagingException e =
        catchThrowableOfType(StagingException.class, () -> engine.stageIn(args, work.resolve("t")));

    assertThat(e.code()).isEqualTo("staging_failed");
    assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND);
    assertThat(e.getMessage())
        .contains("args.inputs[0]")
        .contains("http://127.0.0.1:" + http.url("/").getPort() + "/missing.csv")
        .contains("404")
        .doesNotContain("s3cr3t");
    assertThat(e.toErrorInfo().toString()).doesNotContain("s3cr3t");
    try (Stream<Path> left = Files.list(work.resolve("t"))) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void anUnknownSchemeFailsListingTheKnownOnes() {
    assertThatThrownBy(() -> engine.stageIn(json("{'a': {'$file': 'gopher://h/x'}}"), work))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("known: file, http, https, s3");
  }

  @Test
  void stagesTheSameVersionFromTheNodeCacheAndANewVersionFromTheStore() throws Exception {
    http.files.put("/big.bin", "version one".getBytes(StandardCharsets.UTF_8));
    JsonNode args = json("{'f': {'$file': '" + http.url("/big.bin") + "'}}");

    StagedInputs first = engine.stageIn(args, work.resolve("t1"));
    StagedInputs second = engine.stageIn(args, work.resolve("t2"));

    assertThat(first.files().get(0).fromCache()).isFalse();
    assertThat(second.files().get(0).fromCache()).isTrue();
    assertThat(Files.readString(work.resolve("t2/big.bin"))).isEqualTo("version one");
    assertThat(http.requests("GET")).hasSize(1);

    http.files.put("/big.bin", "version two".getBytes(StandardCharsets.UTF_8));
    StagedInputs third = engine.stageIn(args, work.resolve("t3"));
    assertThat(third.files().get(0).fromCache()).isFalse();
    assertThat(Files.readString(work.resolve("t3/big.bin"))).isEqualTo("version two");
    assertThat(http.requests("GET")).hasSize(2);
  }

  @Test
  void aTaskWritingToItsInputDoesNotChangeTheCache() throws Exception {
    String url = s3Put("shared.txt", "pristine");
    JsonNode args = json("{'f': {'$file': '" + url + "'}}");
    Path mine = Path.of(engine.stageIn(args, work.resolve("t1")).args().path("f").asText());
    Files.writeString(mine, "scribbled");

    Path theirs = Path.of(engine.stageIn(args, work.resolve("t2")).args().path("f").asText());

    assertThat(Files.readString(theirs)).isEqualTo("pristine");
  }

  @Test
  void concurrentTasksNeedingOneUrlDownloadItOnce() throws Exception {
    byte[] data = new byte[2 << 20];
    new java.util.Random(5).nextBytes(data);
    http.files.put("/shared.bin", data);
    JsonNode args = json("{'f': {'$file': '" + http.url("/shared.bin") + "'}}");
    ExecutorService tasks = Executors.newFixedThreadPool(4);
    try {
      List<Future<StagedInputs>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Path dir = work.resolve("t" + i);
        results.add(tasks.submit((Callable<StagedInputs>) () -> engine.stageIn(args, dir)));
      }
      for (Future<StagedInputs> r : results) {
        assertThat(Files.readAllBytes(r.get().files().get(0).path())).isEqualTo(data);
      }
    } finally {
      tasks.shutdownNow();
    }
    assertThat(http.requests("GET")).hasSize(1);
  }

  @Test
  void theCacheDropsTheLeastRecentlyUsedEntriesBeyondItsSize() throws Exception {
    engine.close();
    engine = engine(StagingOptions.builder().cache(cacheDir, 2500));
    for (String n : List.of("a", "b", "c")) {
      http.files.put("/" + n, new byte[1000]);
    }
    for (String n : List.of("a", "b", "c")) {
      engine.stageIn(json("{'f': {'$file': '" + http.url("/" + n) + "'}}"), work.resolve(n));
    }
    try (Stream<Path> entries = Files.list(cacheDir)) {
      assertThat(entries).hasSize(2);
    }

    StagedInputs again =
        engine.stageIn(json("{'f': {'$file': '" + http.url("/a") + "'}}"), work.resolve("a2"));
    StagedInputs recent =
        engine.stageIn(json("{'f': {'$file': '" + http.url("/c") + "'}}"), work.resolve("c2"));

    assertThat(again.files().get(0).fromCache()).isFalse();
    assertThat(recent.files().get(0).fromCache()).isTrue();
  }

  @Test
  void aNewEngineReusesTheCacheOfAnEarlierOne() throws Exception {
    String url = s3Put("kept.txt", "kept");
    JsonNode args = json("{'f': {'$file': '" + url + "'}}");
    engine.stageIn(args, work.resolve("t1"));
    engine.close();
    engine = engine(StagingOptions.builder().cache(cacheDir, 1L << 30));

    assertThat(engine.stageIn(args, work.resolve("t2")).files().get(0).fromCache()).isTrue();
  }

  @Test
  void refusesAnOversizeInputBeforeFetchingIt() {
    http.files.put("/huge.bin", new byte[5000]);
    engine.close();
    engine = engine(StagingOptions.builder().maxInputBytes(4096));

    assertThatThrownBy(
            () -> engine.stageIn(json("{'f': {'$file': '" + http.url("/huge.bin") + "'}}"), work))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("args.f")
        .hasMessageContaining("5000 bytes, more than the limit of 4096 per input")
        .satisfies(e -> assertThat(((StagingException) e).reason()).isEqualTo(Reason.TOO_LARGE));
    assertThat(http.requests("GET")).isEmpty();
  }

  @Test
  void refusesAnOversizeInputOfUnknownSizeOnceItArrivesAndDeletesIt() throws Exception {
    http.files.put("/huge.bin", new byte[5000]);
    http.then(FileServer.status(405)); // HEAD refused: size unknown
    engine.close();
    engine = engine(StagingOptions.builder().maxInputBytes(4096));

    assertThatThrownBy(
            () -> engine.stageIn(json("{'f': {'$file': '" + http.url("/huge.bin") + "'}}"), work))
        .satisfies(e -> assertThat(((StagingException) e).reason()).isEqualTo(Reason.TOO_LARGE));
    assertThat(work.resolve("huge.bin")).doesNotExist();
  }

  @Test
  void refusesInputsThatTogetherExceedTheTaskLimit() throws Exception {
    http.files.put("/p1", new byte[600]);
    http.files.put("/p2", new byte[600]);
    engine.close();
    engine = engine(StagingOptions.builder().maxTotalInputBytes(1000));

    assertThatThrownBy(
            () ->
                engine.stageIn(
                    json(
                        "{'a': {'$file': '"
                            + http.url("/p1")
                            + "'}, 'b': {'$file': '"
                            + http.url("/p2")
                            + "'}}"),
                    work))
        .hasMessageContaining("1200 bytes, more than the limit of 1000 per task");
    assertThat(http.requests("GET")).isEmpty();
  }

  @Test
  void anInterruptedCallerFailsAsCancelled() {
    http.files.put("/x", new byte[10]);
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(
              () -> engine.stageIn(json("{'f': {'$file': '" + http.url("/x") + "'}}"), work))
          .isInstanceOf(StagingException.class)
          .satisfies(e -> assertThat(((StagingException) e).reason()).isEqualTo(Reason.CANCELLED));
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void stagesOutOutputsToTemplatedDestinations() throws Exception {
    Files.writeString(work.resolve("out.csv"), "result");
    Files.createDirectories(work.resolve("plots/sub"));
    Files.writeString(work.resolve("plots/a.png"), "A");
    Files.writeString(work.resolve("plots/sub/b.png"), "BB");
    JsonNode outputs =
        json(
            "[{'path': 'out.csv', 'to': 's3://data/runs/{run}/{name}.csv'},"
                + " {'path': 'plots', 'to': '"
                + store.toUri()
                + "plots-{run}'},"
                + " {'path': 'maybe.log', 'to': 's3://data/x.log', 'optional': true}]");
    JsonNode args = json("{'run': 7, 'name': 'sample A', 'other': {'$file': 's3://data/z'}}");

    List<StagedOutput> done = engine.stageOut(outputs, args, work);

    assertThat(done)
        .extracting(StagedOutput::path)
        .containsExactlyInAnyOrder("out.csv", "plots/a.png", "plots/sub/b.png");
    Path back = work.resolve("check.csv");
    s3Stager.stageIn(java.net.URI.create("s3://data/runs/7/sample%20A.csv"), back);
    assertThat(Files.readString(back)).isEqualTo("result");
    assertThat(Files.readString(store.resolve("plots-7/sub/b.png"))).isEqualTo("BB");
    assertThat(done.get(0).url()).isEqualTo("s3://data/runs/7/sample%20A.csv");
  }

  @Test
  void aMissingOutputFailsTheTask() {
    assertThatThrownBy(
            () ->
                engine.stageOut(
                    json("[{'path': 'out.csv', 'to': 's3://data/o'}]"), json("{}"), work))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("output out.csv was not produced")
        .satisfies(e -> assertThat(((StagingException) e).reason()).isEqualTo(Reason.NOT_FOUND));
  }

  @Test
  void refusesOutputsThatLeaveTheWorkingDirectory() throws Exception {
    assertThatThrownBy(
            () ->
                engine.stageOut(json("[{'path': '../x', 'to': 's3://data/o'}]"), json("{}"), work))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("must stay inside the working directory")
        .satisfies(e -> assertThat(((StagingException) e).reason()).isEqualTo(Reason.INVALID));
    Path secret = Files.writeString(store.resolve("secret"), "s");
    Files.createSymbolicLink(work.resolve("link.txt"), secret);
    assertThatThrownBy(
            () ->
                engine.stageOut(
                    json("[{'path': 'link.txt', 'to': 's3://data/o'}]"), json("{}"), work))
        .hasMessageContaining("leads outside the working directory");
  }

  @Test
  void aPlaceholderWithoutAnArgumentFailsClearly() throws Exception {
    Files.writeString(work.resolve("out.csv"), "r");
    assertThatThrownBy(
            () ->
                engine.stageOut(
                    json("[{'path': 'out.csv', 'to': 's3://data/{missing}.csv'}]"),
                    json("{}"),
                    work))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("{missing}, but the args have no missing");
  }

  @Test
  void offloadsAResultAndReadsItBackCheckingItsSha256() throws Exception {
    byte[] result = "{\"rows\": [1, 2, 3]}".getBytes(StandardCharsets.UTF_8);

    ObjectNode ref = engine.offloadResult(result, "s3://data/results/", "t-42.json");

    assertThat(ResultRefs.isRef(ref)).isTrue();
    assertThat(ref.path("$ref_url").asText()).isEqualTo("s3://data/results/t-42.json");
    assertThat(ref.path("size").asLong()).isEqualTo(result.length);
    assertThat(ref.path("sha256").asText()).isEqualTo(FileServer.sha256Hex(result));
    assertThat(engine.fetchResult(ref, 1 << 20)).isEqualTo(result);

    s3Put("results/t-42.json", "{\"rows\": [9, 9, 9]}");
    assertThatThrownBy(() -> engine.fetchResult(ref, 1 << 20))
        .satisfies(e -> assertThat(((StagingException) e).reason()).isEqualTo(Reason.CORRUPT));
    assertThatThrownBy(() -> engine.fetchResult(ref, 5))
        .satisfies(e -> assertThat(((StagingException) e).reason()).isEqualTo(Reason.TOO_LARGE));
  }

  @Test
  void theOffloadedReferenceCarriesNoCredentials() {
    String prefix = "http://u:s3cr3t@127.0.0.1:" + http.url("/").getPort() + "/res";

    ObjectNode ref = engine.offloadResult("[]".getBytes(StandardCharsets.UTF_8), prefix, "r.json");

    assertThat(ref.toString()).doesNotContain("s3cr3t");
    assertThat(http.files.get("/res/r.json")).isEqualTo("[]".getBytes(StandardCharsets.UTF_8));
  }
}
