package dev.gale.scaler.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PoolSettingsTest {

  static Stream<Arguments> invalid() {
    return Stream.of(
        bad(b -> b.minBlocks(-1), "minBlocks must be at least 0, got -1"),
        bad(b -> b.minBlocks(2).maxBlocks(1), "maxBlocks (1) must be at least minBlocks (2)"),
        bad(b -> b.initBlocks(-1), "initBlocks must be at least 0, got -1"),
        bad(b -> b.maxBlocks(2).initBlocks(3), "initBlocks (3) must not exceed maxBlocks (2)"),
        bad(b -> b.nodesPerBlock(0), "nodesPerBlock must be at least 1, got 0"),
        bad(b -> b.slotsPerNode(0), "slotsPerNode must be at least 1, got 0"),
        bad(b -> b.parallelism(1.5), "parallelism must be between 0 and 1, got 1.5"),
        bad(b -> b.parallelism(-0.1), "parallelism must be between 0 and 1, got -0.1"),
        bad(b -> b.parallelism(Double.NaN), "parallelism must be between 0 and 1, got NaN"),
        bad(b -> b.maxIdleSeconds(-1), "maxIdleSeconds must be at least 0, got -1"),
        bad(b -> b.drainSeconds(-1), "drainSeconds must be at least 0, got -1"),
        bad(b -> b.walltime(Duration.ZERO), "walltime must be positive, got PT0S"),
        bad(
            b -> b.walltime(Duration.ofMinutes(1)).drainSeconds(60),
            "drainSeconds (60) must be less than walltime (60 s)"),
        bad(b -> b.startBackoff(Duration.ZERO), "startBackoff must be positive, got PT0S"),
        bad(
            b -> b.startBackoff(Duration.ofSeconds(5)).maxStartBackoff(Duration.ofSeconds(4)),
            "maxStartBackoff (PT4S) must be at least startBackoff (PT5S)"),
        bad(b -> b.unhealthyAfterFailures(0), "unhealthyAfterFailures must be at least 1, got 0"),
        bad(
            b -> b.stableAfter(Duration.ofSeconds(-1)),
            "stableAfter must be zero or positive, got PT-1S"));
  }

  @ParameterizedTest(name = "rejects: {1}")
  @MethodSource("invalid")
  void rejectsAnInvalidFieldNamingItAndTheValue(
      UnaryOperator<PoolSettings.Builder> change, String message) {
    assertThatThrownBy(() -> change.apply(PoolSettings.builder()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void defaultsFollowParsl() {
    PoolSettings d = PoolSettings.defaults();
    assertThat(d.initBlocks()).isEqualTo(1);
    assertThat(d.minBlocks()).isZero();
    assertThat(d.maxBlocks()).isEqualTo(1);
    assertThat(d.nodesPerBlock()).isEqualTo(1);
    assertThat(d.parallelism()).isEqualTo(1.0);
    assertThat(d.maxIdleSeconds()).isEqualTo(120);
    assertThat(d.walltime()).isNull();
  }

  @Test
  void allowsAPausedPoolAndAPoolThatScalesToZero() {
    PoolSettings paused = PoolSettings.builder().initBlocks(0).maxBlocks(0).build();
    assertThat(paused.maxBlocks()).isZero();
    assertThat(PoolSettings.builder().minBlocks(0).build().minBlocks()).isZero();
  }

  @Test
  void theBackOffDoublesUpToItsCap() {
    PoolSettings s =
        PoolSettings.builder()
            .startBackoff(Duration.ofSeconds(2))
            .maxStartBackoff(Duration.ofSeconds(10))
            .build();
    assertThat(s.backoffAfter(0)).isEqualTo(Duration.ZERO);
    assertThat(s.backoffAfter(1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.backoffAfter(2)).isEqualTo(Duration.ofSeconds(4));
    assertThat(s.backoffAfter(3)).isEqualTo(Duration.ofSeconds(8));
    assertThat(s.backoffAfter(4)).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.backoffAfter(1_000)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void toBuilderRoundTrips() {
    PoolSettings s =
        PoolSettings.builder()
            .initBlocks(2)
            .minBlocks(1)
            .maxBlocks(7)
            .nodesPerBlock(2)
            .slotsPerNode(8)
            .parallelism(0.5)
            .maxIdleSeconds(30)
            .drainSeconds(120)
            .walltime(Duration.ofHours(1))
            .unhealthyAfterFailures(3)
            .build();
    assertThat(s.toBuilder().build()).isEqualTo(s);
    assertThat(s.slotsPerBlock()).isEqualTo(16);
  }

  @Test
  void aFailureOfABlockFromAnAttemptAlreadyCountedOnlyUpdatesTheReason() {
    var t0 = Snapshots.NOW;
    StartFailures one = StartFailures.NONE.failed(t0, t0.plusSeconds(5), "first");
    StartFailures sameWave = one.failed(t0, t0.plusSeconds(6), "second of the wave");
    StartFailures probe = sameWave.failed(t0.plusSeconds(8), t0.plusSeconds(9), "probe");
    assertThat(one).isEqualTo(new StartFailures(1, t0.plusSeconds(5), "first"));
    assertThat(sameWave).isEqualTo(new StartFailures(1, t0.plusSeconds(5), "second of the wave"));
    assertThat(probe).isEqualTo(new StartFailures(2, t0.plusSeconds(9), "probe"));
  }

  private static Arguments bad(UnaryOperator<PoolSettings.Builder> change, String message) {
    return arguments(change, message);
  }
}
