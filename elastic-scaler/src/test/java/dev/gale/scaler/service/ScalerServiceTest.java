package dev.gale.scaler.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.BlockState;
import dev.gale.scaler.ProviderRegistry;
import dev.gale.scaler.QueueDepth;
import dev.gale.scaler.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scaler service against an in-memory cluster (settings, fenced leases, fenced status map) and
 * a fake batch site shared by all provider instances. Settings polls are driven by hand ({@link
 * ScalerService#refresh()}); the pools' loops tick on their own threads every 20 ms; lease time is
 * a clock moved by hand.
 */
class ScalerServiceTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final MemoryCluster cluster = new MemoryCluster(clock);
  private final MemoryCluster.Leases leases = cluster.new Leases();
  private final FakeSite site = new FakeSite("fake");
  private final FakeSite otherSite = new FakeSite("other");
  private final List<ScalerService> services = new ArrayList<>();

  @AfterEach
  void closeServices() {
    services.forEach(ScalerService::close);
  }

  private ScalerService service(String holder) {
    ScalerService s =
        ScalerService.builder()
            .settings(cluster)
            .leases(leases)
            .statusStore(cluster)
            .depth(cluster)
            .commands(spec -> BlockCommand.of("worker", "--pool", "{pool}"))
            .registry(ProviderRegistry.of(site, otherSite))
            .workDir(dir)
            .holder(holder)
            .clock(clock)
            .leaseTtl(Duration.ofSeconds(3))
            .tickInterval(Duration.ofMillis(20))
            .build();
    services.add(s);
    return s;
  }

  private static JsonNode pool(String json) {
    return Json.readTree(json);
  }

  private JsonNode status(String pool) {
    return cluster.read(pool).orElse(Json.object());
  }

  private List<String> blockIds(String pool) {
    List<String> ids = new ArrayList<>();
    status(pool).path("blocks").forEach(b -> ids.add(b.get("id").asText()));
    return ids;
  }

  /** Pool {@code a} on the fake site with work for {@code maxBlocks} blocks. */
  private void busyPool(int maxBlocks) {
    cluster.settings.put(
        "a",
        pool(
            "{\"provider\":\"fake\",\"minBlocks\":0,\"maxBlocks\":"
                + maxBlocks
                + ",\"initBlocks\":0,\"options\":{\"tag\":\"x\"}}"));
    cluster.depths.put("a", new QueueDepth(50, 0, Map.of()));
  }

  @Test
  void runsALoopForEveryPoolAndPublishesItsStatusWithBlocksAndDecision() {
    busyPool(2);
    cluster.settings.put("b", pool("{\"provider\":\"fake\",\"maxBlocks\":1,\"initBlocks\":0}"));
    ScalerService s = service("s1");
    s.refresh();

    await().atMost(WAIT).until(() -> blockIds("a").size() == 2);
    assertThat(site.count("a", BlockState.RUNNING)).isEqualTo(2);
    assertThat(s.leading()).containsExactly("a", "b");
    JsonNode st = status("a");
    assertThat(st.path("holder").asText()).isEqualTo("s1");
    assertThat(st.path("fence").asLong()).isEqualTo(1);
    assertThat(st.path("provider").asText()).isEqualTo("fake");
    assertThat(st.path("healthy").asBoolean()).isTrue();
    assertThat(st.path("queued").asLong()).isEqualTo(50);
    assertThat(st.path("lastAction").path("reason").asText()).startsWith("case 1b: start 2");
    assertThat(st.path("blocks"))
        .allSatisfy(
            b -> {
              assertThat(b.path("state").asText()).isEqualTo("RUNNING");
              assertThat(site.jobs).containsKey(b.path("jobId").asText());
              assertThat(b.path("since").asText()).isNotEmpty();
            });
    assertThat(st.at("/metrics/blocks/RUNNING").asInt()).isEqualTo(2);
    assertThat(st.at("/metrics/decisions/1b").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(st.at("/metrics/submitFailures").asLong()).isZero();
    await().atMost(WAIT).until(() -> status("b").has("decision"));
    assertThat(status("b").path("blocks")).isEmpty();

    s.close();
    assertThat(site.count("a", BlockState.RUNNING)).as("close leaves blocks running").isEqualTo(2);
  }

  @Test
  void ofTwoScalersOnlyOneRunsEachPool() {
    busyPool(2);
    ScalerService s1 = service("s1");
    ScalerService s2 = service("s2");
    for (int i = 0; i < 5; i++) {
      s1.refresh();
      s2.refresh();
    }
    await().atMost(WAIT).until(() -> blockIds("a").size() == 2);
    assertThat(s1.leading()).containsExactly("a");
    assertThat(s2.leading()).isEmpty();
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(1));
      s2.refresh();
      s1.refresh();
    }
    assertThat(s2.leading()).isEmpty();
    assertThat(site.submits.get()).isEqualTo(2);
  }

  @Test
  void aScalerThatCannotRenewStopsAndTheOtherAdoptsItsBlocksWithoutSubmittingAgain() {
    busyPool(2);
    ScalerService s1 = service("s1");
    ScalerService s2 = service("s2");
    s1.refresh();
    s2.refresh();
    await().atMost(WAIT).until(() -> blockIds("a").size() == 2);
    List<String> ids = blockIds("a");

    leases.broken("s1");
    clock.advance(Duration.ofSeconds(4)); // past the lease's time to live
    s1.refresh();
    assertThat(s1.leading()).isEmpty();
    await().atMost(WAIT).until(() -> s1.loopStatus("a").isEmpty());
    assertThat(site.count("a", BlockState.RUNNING))
        .as("losing the lease cancels nothing")
        .isEqualTo(2);

    s2.refresh();
    assertThat(s2.leading()).containsExactly("a");
    await()
        .atMost(WAIT)
        .until(
            () -> status("a").path("holder").asText().equals("s2") && status("a").has("decision"));
    JsonNode st = status("a");
    assertThat(st.path("fence").asLong()).isEqualTo(2);
    assertThat(blockIds("a")).containsExactlyInAnyOrderElementsOf(ids);
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofMillis(500));
      s2.refresh();
    }
    assertThat(site.submits.get()).as("no block submitted twice").isEqualTo(2);
    assertThat(site.count("a", BlockState.RUNNING)).isEqualTo(2);
    assertThat(st.path("lastAction").isMissingNode())
        .as("nothing to do after the take-over")
        .isTrue();
  }

  @Test
  void aChangeOfScalingSettingsAppliesLiveToTheSameBlocks() {
    busyPool(2);
    ScalerService s = service("s1");
    s.refresh();
    await().atMost(WAIT).until(() -> blockIds("a").size() == 2);
    List<String> before = blockIds("a");
    busyPool(3);
    s.refresh();
    await().atMost(WAIT).until(() -> blockIds("a").size() == 3);
    assertThat(blockIds("a")).containsAll(before);
    assertThat(site.providers.get()).isEqualTo(1);
    assertThat(site.count("a", BlockState.CANCELLED)).isZero();
  }

  @Test
  void newProviderOptionsMakeANewProviderThatAdoptsTheBlocks() {
    busyPool(2);
    ScalerService s = service("s1");
    s.refresh();
    await().atMost(WAIT).until(() -> blockIds("a").size() == 2);
    List<String> before = blockIds("a");
    cluster.settings.put(
        "a",
        pool(
            "{\"provider\":\"fake\",\"minBlocks\":0,\"maxBlocks\":2,\"initBlocks\":0,"
                + "\"options\":{\"tag\":\"y\"}}"));
    s.refresh();
    await()
        .atMost(WAIT)
        .until(
            () ->
                site.providers.get() == 2
                    && status("a").at("/spec/options/tag").asText().equals("y"));
    assertThat(blockIds("a")).containsExactlyInAnyOrderElementsOf(before);
    assertThat(site.submits.get()).isEqualTo(2);
    assertThat(site.count("a", BlockState.CANCELLED)).isZero();
  }

  @Test
  void anotherProviderReplacesTheBlocks() {
    busyPool(2);
    ScalerService s = service("s1");
    s.refresh();
    await().atMost(WAIT).until(() -> blockIds("a").size() == 2);
    cluster.settings.put(
        "a", pool("{\"provider\":\"other\",\"minBlocks\":0,\"maxBlocks\":1,\"initBlocks\":0}"));
    s.refresh();
    await().atMost(WAIT).until(() -> otherSite.count("a", BlockState.RUNNING) == 1);
    assertThat(site.count("a", BlockState.CANCELLED)).isEqualTo(2);
    await().atMost(WAIT).until(() -> status("a").path("provider").asText().equals("other"));
  }

  @Test
  void deletingAPoolStopsItsBlocksRemovesItsStatusAndGivesTheLeaseUp() {
    busyPool(2);
    ScalerService s = service("s1");
    s.refresh();
    await().atMost(WAIT).until(() -> blockIds("a").size() == 2);
    cluster.settings.remove("a");
    s.refresh();
    await().atMost(WAIT).until(() -> site.count("a", BlockState.CANCELLED) == 2);
    await().atMost(WAIT).until(() -> cluster.read("a").isEmpty());
    assertThat(cluster.holder(ScalerService.leaseName("a"))).isNull();
    s.refresh();
    assertThat(s.leading()).isEmpty();
  }

  @Test
  void aPoolDeletedWhileNoScalerRanItHasItsBlocksStoppedByTheNextScaler() {
    busyPool(2);
    ScalerService s1 = service("s1");
    s1.refresh();
    await().atMost(WAIT).until(() -> blockIds("a").size() == 2);
    s1.close();
    assertThat(site.count("a", BlockState.RUNNING)).isEqualTo(2);
    cluster.settings.remove("a");

    ScalerService s2 = service("s2");
    s2.refresh();
    await().atMost(WAIT).until(() -> site.count("a", BlockState.CANCELLED) == 2);
    await().atMost(WAIT).until(() -> cluster.read("a").isEmpty());
  }

  @Test
  void invalidSettingsStartNoLoopAndTheStatusSaysWhy() {
    cluster.settings.put("a", pool("{\"provider\":\"nope\"}"));
    cluster.settings.put("b", pool("{\"provider\":\"fake\",\"options\":{\"colour\":\"red\"}}"));
    cluster.depths.put("a", new QueueDepth(5, 0, Map.of()));
    ScalerService s = service("s1");
    s.refresh();
    await().atMost(WAIT).until(() -> status("a").has("reason") && status("b").has("reason"));
    assertThat(status("a").path("healthy").asBoolean()).isFalse();
    assertThat(status("a").path("reason").asText())
        .isEqualTo("invalid pool settings: unknown provider 'nope' (known: fake, other)");
    assertThat(status("b").path("reason").asText())
        .isEqualTo("invalid pool settings: unknown option options.colour for fake");
    assertThat(site.submits.get()).isZero();

    cluster.settings.put("a", pool("{\"provider\":\"fake\",\"initBlocks\":0}"));
    s.refresh();
    await().atMost(WAIT).until(() -> site.count("a", BlockState.RUNNING) == 1);
    assertThat(status("a").path("healthy").asBoolean()).isTrue();
  }

  @Test
  void invalidNewSettingsLeaveTheLoopOnThePreviousOnes() {
    busyPool(2);
    ScalerService s = service("s1");
    s.refresh();
    await().atMost(WAIT).until(() -> blockIds("a").size() == 2);
    cluster.settings.put("a", pool("{\"provider\":\"fake\",\"options\":{\"colour\":\"red\"}}"));
    s.refresh();
    await()
        .atMost(WAIT)
        .until(() -> status("a").path("reason").asText().contains("options.colour"));
    assertThat(status("a").path("reason").asText())
        .startsWith("new settings refused, the previous ones stay in force: unknown option");
    assertThat(blockIds("a")).hasSize(2);
    assertThat(site.count("a", BlockState.RUNNING)).isEqualTo(2);
  }

  @Test
  void scaleInAndCloseStopsEveryBlock() {
    busyPool(2);
    ScalerService s = service("s1");
    s.refresh();
    await().atMost(WAIT).until(() -> blockIds("a").size() == 2);
    s.scaleInAndClose();
    assertThat(site.count("a", BlockState.CANCELLED)).isEqualTo(2);
    assertThat(blockIds("a")).isEmpty();
    assertThat(cluster.holder(ScalerService.leaseName("a"))).isNull();
  }
}
