package dev.gale.scaler.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.scaler.ProviderRegistry;
import dev.gale.scaler.strategy.PoolSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading a pool's JSON into provider, settings and options. */
class PoolSpecTest {
  private static final ProviderRegistry REGISTRY = ProviderRegistry.fromServiceLoader();

  private static PoolSpec parse(String json) {
    return PoolSpec.parse("p", Json.readTree(json), REGISTRY);
  }

  @Test
  void absentFieldsTakeTheDefaultsAndMaxBlocksFollowsMinBlocks() {
    PoolSpec s = parse("{\"provider\":\"local\",\"minBlocks\":3}");
    PoolSettings d = PoolSettings.defaults();
    assertThat(s.provider()).isEqualTo("local");
    assertThat(s.settings().minBlocks()).isEqualTo(3);
    assertThat(s.settings().maxBlocks()).isEqualTo(3);
    assertThat(s.settings().initBlocks()).isEqualTo(d.initBlocks());
    assertThat(s.settings().maxIdleSeconds()).isEqualTo(d.maxIdleSeconds());
    assertThat(s.settings().walltime()).isNull();
    assertThat(parse("{\"provider\":\"local\",\"maxBlocks\":0}").settings().initBlocks()).isZero();
  }

  @Test
  void everyFieldIsRead() {
    PoolSpec s =
        parse(
            "{\"provider\":\"local\",\"minBlocks\":1,\"maxBlocks\":4,\"initBlocks\":2,"
                + "\"nodesPerBlock\":1,\"slotsPerNode\":8,\"parallelism\":0.5,"
                + "\"maxIdleSeconds\":30,\"drainSeconds\":10,\"startBackoffSeconds\":5,"
                + "\"maxStartBackoffSeconds\":60,\"unhealthyAfterFailures\":3,"
                + "\"stableAfterSeconds\":20,\"owner\":\"gale up\","
                + "\"options\":{\"gracePeriodSeconds\":3}}");
    PoolSettings p = s.settings();
    assertThat(p.minBlocks()).isEqualTo(1);
    assertThat(p.maxBlocks()).isEqualTo(4);
    assertThat(p.initBlocks()).isEqualTo(2);
    assertThat(p.slotsPerNode()).isEqualTo(8);
    assertThat(p.parallelism()).isEqualTo(0.5);
    assertThat(p.maxIdleSeconds()).isEqualTo(30);
    assertThat(p.drainSeconds()).isEqualTo(10);
    assertThat(p.startBackoff()).isEqualTo(Duration.ofSeconds(5));
    assertThat(p.maxStartBackoff()).isEqualTo(Duration.ofSeconds(60));
    assertThat(p.unhealthyAfterFailures()).isEqualTo(3);
    assertThat(p.stableAfter()).isEqualTo(Duration.ofSeconds(20));
    assertThat(s.owner()).isEqualTo("gale up");
    assertThat(s.options().get("gracePeriodSeconds").asInt()).isEqualTo(3);
  }

  @Test
  void aBatchPoolsBlocksGetTheWalltimeOfItsOptionsOrTheDefault() {
    assertThat(
            parse("{\"provider\":\"slurm\",\"options\":{\"walltime\":\"02:00:00\"}}")
                .settings()
                .walltime())
        .isEqualTo(Duration.ofHours(2));
    assertThat(parse("{\"provider\":\"pbs\"}").settings().walltime())
        .isEqualTo(Duration.ofHours(1));
  }

  @Test
  void assemblyOptionsAreNotForTheProviderButChangeTheShape() {
    PoolSpec a = parse("{\"provider\":\"slurm\",\"options\":{\"galeCommand\":\"/opt/gale/gale\"}}");
    assertThat(a.providerOptions().has("galeCommand")).isFalse();
    assertThat(a.assemblyOption("galeCommand")).isEqualTo("/opt/gale/gale");
    PoolSpec b = parse("{\"provider\":\"slurm\"}");
    assertThat(a.shape()).isNotEqualTo(b.shape());
    assertThat(parse("{\"provider\":\"slurm\",\"maxBlocks\":5}").shape()).isEqualTo(b.shape());
    assertThat(parse("{\"provider\":\"slurm\",\"nodesPerBlock\":2}").shape())
        .isNotEqualTo(b.shape());
  }

  @Test
  void anUnknownProviderIsRefusedListingTheKnownOnes() {
    assertThatThrownBy(() -> parse("{\"provider\":\"slrum\"}"))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.code()).isEqualTo("unknown_provider");
              assertThat(e.getMessage())
                  .isEqualTo("unknown provider 'slrum' (known: kubernetes, local, pbs, slurm)");
            });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"provider\":\"local\",\"maxBlock\":2}|maxBlock|unknown field maxBlock (known:",
        "{\"minBlocks\":1}|provider|provider is required",
        "{\"provider\":\"local\",\"minBlocks\":-1}|minBlocks|minBlocks must be an integer between 0",
        "{\"provider\":\"local\",\"slotsPerNode\":1.5}|slotsPerNode|slotsPerNode must be an integer",
        "{\"provider\":\"local\",\"parallelism\":2}|parallelism|parallelism must be a number",
        "{\"provider\":\"local\",\"minBlocks\":3,\"maxBlocks\":1}|maxBlocks|maxBlocks (1) must be at"
            + " least minBlocks (3)",
        "{\"provider\":\"local\",\"maxBlocks\":1,\"initBlocks\":2}|initBlocks|initBlocks (2) must"
            + " not exceed maxBlocks (1)",
        "{\"provider\":\"local\",\"options\":[]}|options|options must be an object",
        "{\"provider\":\"slurm\",\"options\":{\"walltime\":\"00:00:30\"}}|drainSeconds|drainSeconds"
            + " (60) must be less than walltime (30 s)",
        "{\"provider\":\"slurm\",\"options\":{\"walltime\":\"1h\"}}|body|options.walltime must be a"
            + " walltime"
      })
  void invalidSettingsAreRefusedNamingTheField(String json, String field, String message) {
    assertThatThrownBy(() -> parse(json))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.getMessage()).startsWith(message);
              if (!field.equals("body")) {
                assertThat(e.details().path("field").asText()).isEqualTo(field);
              }
            });
  }
}
