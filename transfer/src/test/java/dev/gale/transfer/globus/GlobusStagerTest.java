package dev.gale.transfer.globus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.transfer.StagingException;
import dev.gale.transfer.StagingException.Reason;
import dev.gale.transfer.spi.ListedObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Globus flows against the local stand-in: submit, poll, fail, retry, refresh, page. */
class GlobusStagerTest {
  @TempDir Path nodeRoot;
  @TempDir Path siteRoot;
  @TempDir Path otherSiteRoot;
  @TempDir Path elsewhere;

  private GlobusStandIn globus;
  private FakeWaits waits;
  private GlobusStager stager;
  private String node;
  private String site;

  @BeforeEach
  void start() throws Exception {
    globus = new GlobusStandIn();
    node = globus.collection(nodeRoot);
    site = globus.collection(siteRoot);
    waits = new FakeWaits();
    stager = stager(globus.options().localEndpoint(node, nodeRoot));
    Files.createDirectories(siteRoot.resolve("data"));
    Files.writeString(siteRoot.resolve("data/in.csv"), "a,b\n1,2\n");
  }

  private GlobusStager stager(GlobusStagerOptions.Builder options) {
    return new GlobusStager(
        options.backoff(Duration.ofMillis(500), Duration.ofSeconds(30)).build(), waits);
  }

  @AfterEach
  void stop() {
    stager.close();
    globus.close();
  }

  private URI site(String path) {
    return URI.create("globus://" + site + path);
  }

  @Test
  void submitsATransferDocumentAndPollsTheTaskUntilItSucceeds() throws Exception {
    Path target = nodeRoot.resolve("task-1/in.csv");

    assertThat(stager.stageIn(site("/data/in.csv"), target)).isEqualTo(8);

    assertThat(Files.readString(target)).isEqualTo("a,b\n1,2\n");
    assertThat(globus.submitted).hasSize(1);
    JsonNode doc = globus.submitted.get(0);
    assertThat(doc.path("DATA_TYPE").asText()).isEqualTo("transfer");
    assertThat(doc.path("source_endpoint").asText()).isEqualTo(site);
    assertThat(doc.path("destination_endpoint").asText()).isEqualTo(node);
    assertThat(doc.path("label").asText()).isEqualTo("gale staging");
    assertThat(doc.path("verify_checksum").asBoolean()).isTrue();
    assertThat(doc.has("sync_level")).isFalse();
    assertThat(Instant.parse(doc.path("deadline").asText()))
        .isEqualTo(Instant.parse("2026-11-24T11:00:00Z"));
    JsonNode item = doc.path("DATA").get(0);
    assertThat(item.path("DATA_TYPE").asText()).isEqualTo("transfer_item");
    assertThat(item.path("source_path").asText()).isEqualTo("/data/in.csv");
    assertThat(item.path("destination_path").asText()).matches("/task-1/\\.in\\.csv\\..*\\.part");
    assertThat(item.path("recursive").asBoolean()).isFalse();
    // ACTIVE twice, then SUCCEEDED; the waits between polls double
    assertThat(globus.requests("GET", "/task/")).hasSize(3);
    assertThat(waits.sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(globus.requests("POST", "/v2/oauth2/token")).hasSize(1);
    try (Stream<Path> files = Files.list(target.getParent())) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void sendsTheSyncLevelAndChecksumSettings() {
    stager.close();
    stager =
        stager(
            globus
                .options()
                .localEndpoint(node, nodeRoot)
                .syncLevel("CHECKSUM")
                .verifyChecksum(false)
                .label("run 7"));

    stager.stageIn(site("/data/in.csv"), nodeRoot.resolve("in.csv"));

    JsonNode doc = globus.submitted.get(0);
    assertThat(doc.path("sync_level").asText()).isEqualTo("checksum");
    assertThat(doc.path("verify_checksum").asBoolean()).isFalse();
    assertThat(doc.path("label").asText()).isEqualTo("run 7");
  }

  @Test
  void aFailedTaskFailsWithItsFatalErrorAndLeavesNothing() throws Exception {
    globus.failTasksWith = "PERMISSION_DENIED";
    Path target = nodeRoot.resolve("t/in.csv");

    StagingException e =
        catchThrowableOfType(
            StagingException.class, () -> stager.stageIn(site("/data/in.csv"), target));

    assertThat(e.getMessage())
        .contains("FAILED: PERMISSION_DENIED")
        .contains("scripted failure")
        .contains("globus://" + site + "/data/in.csv");
    assertThat(e.reason()).isEqualTo(Reason.DENIED);
    assertThat(e.isRetryable()).isFalse();
    assertThat(globus.cancelled).isEmpty();
    try (Stream<Path> files = Files.list(target.getParent())) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void retriesA429HonouringRetryAfterThenSucceeds() throws Exception {
    globus.failNext("/submission_id", 429, "RequestThrottled", "Retry-After", "7");

    stager.stageIn(site("/data/in.csv"), nodeRoot.resolve("in.csv"));

    assertThat(waits.sleeps.get(0)).isEqualTo(Duration.ofSeconds(7));
    assertThat(globus.requests("GET", "/submission_id")).hasSize(2);
  }

  @Test
  void retriesA503WhilePollingAndAnExternalErrorOnSubmit() throws Exception {
    globus.failNext("/transfer", 502, "ExternalError.DirListingFailed.Connect");
    globus.failNext("/task/", 503, "ServiceUnavailable");

    stager.stageIn(site("/data/in.csv"), nodeRoot.resolve("in.csv"));

    assertThat(Files.readString(nodeRoot.resolve("in.csv"))).isEqualTo("a,b\n1,2\n");
    assertThat(globus.requests("POST", "/transfer")).hasSize(2);
    assertThat(globus.submitted).hasSize(1);
  }

  @Test
  void givesUpRetryablyWhenTheServiceStaysUnavailable() {
    stager.close();
    stager = stager(globus.options().localEndpoint(node, nodeRoot).maxRetries(2));
    for (int i = 0; i < 3; i++) {
      globus.failNext("/submission_id", 503, "ServiceUnavailable");
    }

    assertThatThrownBy(() -> stager.stageIn(site("/data/in.csv"), nodeRoot.resolve("x")))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("failed after 3 attempts")
        .hasMessageContaining("503 ServiceUnavailable")
        .satisfies(e -> assertThat(((StagingException) e).isRetryable()).isTrue());
  }

  @Test
  void refreshesTheTokenOnceWhenTheApiRefusesIt() throws Exception {
    stager.stageIn(site("/data/in.csv"), nodeRoot.resolve("one.csv"));
    globus.expireTokens();

    stager.stageIn(site("/data/in.csv"), nodeRoot.resolve("two.csv"));

    assertThat(Files.readString(nodeRoot.resolve("two.csv"))).isEqualTo("a,b\n1,2\n");
    assertThat(globus.tokensIssued()).isEqualTo(2);
  }

  @Test
  void aTokenRefusedTwiceIsDeniedWithoutLooping() {
    globus.failNext("/operation/endpoint", 401, "AuthenticationFailed");
    globus.failNext("/operation/endpoint", 401, "AuthenticationFailed");

    assertThatThrownBy(() -> stager.stageIn(site("/data/in.csv"), nodeRoot.resolve("x")))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("401 AuthenticationFailed")
        .satisfies(e -> assertThat(((StagingException) e).reason()).isEqualTo(Reason.DENIED));
    assertThat(globus.tokensIssued()).isEqualTo(2);
  }

  @Test
  void badClientCredentialsAreDeniedWithoutShowingTheSecret() {
    stager.close();
    stager =
        stager(
            globus
                .options()
                .clientCredentials(GlobusStandIn.CLIENT_ID, "wrong-s3cr3t")
                .localEndpoint(node, nodeRoot));

    StagingException e =
        catchThrowableOfType(
            StagingException.class,
            () -> stager.stageIn(site("/data/in.csv"), nodeRoot.resolve("x")));

    assertThat(e.reason()).isEqualTo(Reason.DENIED);
    assertThat(e.getMessage()).contains("invalid_client").doesNotContain("wrong-s3cr3t");
  }

  @Test
  void consentRequiredIsDeniedNamingTheScope() {
    globus.failNext("/transfer", 403, "ConsentRequired");

    assertThatThrownBy(() -> stager.stageIn(site("/data/in.csv"), nodeRoot.resolve("x")))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("403 ConsentRequired")
        .hasMessageContaining("data_access")
        .satisfies(e -> assertThat(((StagingException) e).reason()).isEqualTo(Reason.DENIED));
  }

  @Test
  void permissionDeniedAndNotFoundAreNotRetried() {
    globus.failNext("/operation/endpoint", 403, "EndpointPermissionDenied");
    assertThatThrownBy(() -> stager.stat(site("/data/in.csv")))
        .satisfies(e -> assertThat(((StagingException) e).reason()).isEqualTo(Reason.DENIED));

    assertThatThrownBy(
            () ->
                stager.stageIn(URI.create("globus://no-such-collection/x"), nodeRoot.resolve("x")))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("404 EndpointNotFound")
        .satisfies(e -> assertThat(((StagingException) e).reason()).isEqualTo(Reason.NOT_FOUND));
    assertThat(waits.sleeps).isEmpty();
  }

  @Test
  void aConflictFailsWithoutRetry() {
    globus.failNext("/transfer", 409, "Conflict");

    assertThatThrownBy(() -> stager.stageIn(site("/data/in.csv"), nodeRoot.resolve("x")))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("409 Conflict (conflict)")
        .satisfies(e -> assertThat(((StagingException) e).isRetryable()).isFalse());
    assertThat(globus.requests("POST", "/transfer")).hasSize(1);
  }

  @Test
  void listsADirectoryTreeFollowingTheLsPages() throws Exception {
    for (int i = 0; i < 5; i++) {
      Files.writeString(siteRoot.resolve("data/f" + i + ".txt"), "x".repeat(i));
    }
    Files.createDirectories(siteRoot.resolve("data/sub"));
    Files.writeString(siteRoot.resolve("data/sub/deep.txt"), "deep");

    List<ListedObject> listed = stager.list(site("/data"));

    assertThat(listed)
        .extracting(ListedObject::relativePath)
        .containsExactly(
            "f0.txt", "f1.txt", "f2.txt", "f3.txt", "f4.txt", "in.csv", "sub/deep.txt");
    assertThat(listed.get(3).size()).isEqualTo(3);
    List<String> offsets = new ArrayList<>();
    for (RecordedRequest r : globus.requests("GET", "/ls")) {
      if ("/data/".equals(r.getUrl().queryParameter("path"))) {
        offsets.add(r.getUrl().queryParameter("offset"));
      }
    }
    assertThat(offsets).containsExactly("0", "2", "4", "6");
  }

  @Test
  void copiesBetweenTwoRemoteCollectionsInOneTaskAndPagesItsSuccessfulTransfers() throws Exception {
    for (int i = 0; i < 5; i++) {
      Files.writeString(siteRoot.resolve("data/f" + i + ".txt"), "y".repeat(10));
    }
    String other = globus.collection(otherSiteRoot);
    List<long[]> updates = new ArrayList<>();
    URI to = URI.create("globus://" + other + "/copy");

    assertThat(stager.copiesDirectly(site("/data"), to)).isTrue();
    long bytes =
        stager.copyDirectly(
            site("/data"), to, true, (b, bt, f, ft) -> updates.add(new long[] {b, bt, f, ft}));

    assertThat(bytes).isEqualTo(50 + 8);
    assertThat(Files.readString(otherSiteRoot.resolve("copy/f3.txt"))).isEqualTo("y".repeat(10));
    assertThat(globus.submitted.get(0).path("DATA").get(0).path("recursive").asBoolean()).isTrue();
    assertThat(globus.requests("GET", "/successful_transfers"))
        .extracting(r -> r.getUrl().queryParameter("marker"))
        .containsExactly(null, "2", "4");
    assertThat(updates.get(updates.size() - 1)).containsExactly(58, 58, 6, 6);
  }

  @Test
  void aTaskThatOutlivesItsTimeoutIsCancelled() {
    stager.close();
    stager =
        stager(
            globus
                .options()
                .localEndpoint(node, nodeRoot)
                .poll(Duration.ofSeconds(1), Duration.ofSeconds(4))
                .taskTimeout(Duration.ofSeconds(20)));
    globus.pollsUntilDone = 1000;

    StagingException e =
        catchThrowableOfType(
            StagingException.class,
            () -> stager.stageIn(site("/data/in.csv"), nodeRoot.resolve("x")));

    assertThat(e.getMessage()).contains("did not finish within PT20S").contains("ACTIVE");
    assertThat(e.isRetryable()).isTrue();
    assertThat(globus.cancelled).hasSize(1);
    assertThat(waits.sleeps)
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(4),
            Duration.ofSeconds(4),
            Duration.ofSeconds(4),
            Duration.ofSeconds(4));
  }

  @Test
  void aStuckStatusToFailFastOnEndsTheWaitAndCancelsTheTask() {
    globus.pollsUntilDone = 1000;
    globus.niceStatus = "PERMISSION_DENIED";

    assertThatThrownBy(() -> stager.stageIn(site("/data/in.csv"), nodeRoot.resolve("x")))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("stopped making progress: PERMISSION_DENIED")
        .satisfies(e -> assertThat(((StagingException) e).reason()).isEqualTo(Reason.DENIED));
    assertThat(globus.cancelled).hasSize(1);
  }

  @Test
  void anInterruptWhilePollingCancelsTheTask() {
    globus.pollsUntilDone = 1000;
    stager.close();
    Waits interrupting =
        new Waits() {
          @Override
          public Instant now() {
            return waits.now();
          }

          @Override
          public void sleep(Duration d) throws InterruptedException {
            throw new InterruptedException();
          }
        };
    stager = new GlobusStager(globus.options().localEndpoint(node, nodeRoot).build(), interrupting);

    assertThatThrownBy(() -> stager.stageIn(site("/data/in.csv"), nodeRoot.resolve("x")))
        .isInstanceOf(StagingException.class)
        .satisfies(e -> assertThat(((StagingException) e).reason()).isEqualTo(Reason.CANCELLED));
    assertThat(Thread.interrupted()).isTrue();
    assertThat(globus.cancelled).hasSize(1);
  }

  @Test
  void stagesOutAFileFromOutsideTheCollectionThroughTheOutbox() throws Exception {
    Path result = Files.writeString(elsewhere.resolve("result.txt"), "42");

    assertThat(stager.stageOut(result, site("/results/r.txt"))).isEqualTo(2);

    assertThat(Files.readString(siteRoot.resolve("results/r.txt"))).isEqualTo("42");
    String from = globus.submitted.get(0).path("DATA").get(0).path("source_path").asText();
    assertThat(from).startsWith("/.gale-outbox/").endsWith("/result.txt");
    try (Stream<Path> left = Files.list(nodeRoot.resolve(".gale-outbox"))) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void withoutALocalCollectionStagingFailsClearlyButListingWorks() {
    stager.close();
    stager = stager(globus.options());

    assertThatThrownBy(() -> stager.stageIn(site("/data/in.csv"), nodeRoot.resolve("x")))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("this node has no Globus collection")
        .satisfies(e -> assertThat(((StagingException) e).reason()).isEqualTo(Reason.INVALID));
    assertThat(stager.list(site("/data"))).hasSize(1);
  }

  @Test
  void refusesATargetOutsideTheLocalCollection() {
    assertThatThrownBy(() -> stager.stageIn(site("/data/in.csv"), elsewhere.resolve("x")))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("not below the local Globus collection root");
    assertThat(globus.submitted).isEmpty();
  }

  @Test
  void statOfADirectoryIsInvalid() {
    assertThatThrownBy(() -> stager.stat(site("/data")))
        .isInstanceOf(StagingException.class)
        .satisfies(e -> assertThat(((StagingException) e).reason()).isEqualTo(Reason.INVALID));
  }

  @Test
  void optionsNeverShowTheSecret() {
    assertThat(globus.options().build().toString())
        .doesNotContain(GlobusStandIn.CLIENT_SECRET)
        .contains(GlobusStandIn.CLIENT_ID);
  }
}
