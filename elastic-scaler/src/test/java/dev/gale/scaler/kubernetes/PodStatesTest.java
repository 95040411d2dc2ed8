package dev.gale.scaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.scaler.BlockState;
import dev.gale.scaler.BlockStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The translation table from pods to block states, entry by entry. */
class PodStatesTest {
  private static final Instant CREATED = Instant.parse("2026-01-01T10:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(120);

  private static V1Pod pod(V1PodStatus status) {
    return new V1Pod()
        .metadata(new V1ObjectMeta().name("p").creationTimestamp(CREATED.atOffset(ZoneOffset.UTC)))
        .status(status);
  }

  private static BlockStatus at(V1Pod pod, Duration afterCreation) {
    return PodStates.translate(pod, CREATED.plus(afterCreation), GRACE);
  }

  @Test
  void theTableCoversEveryPodPhase() {
    assertThat(PodStates.PHASES)
        .containsOnlyKeys("Pending", "Running", "Succeeded", "Failed", "Unknown");
  }

  static Stream<Arguments> phases() {
    return PodStates.PHASES.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("phases")
  void eachPhaseMapsThroughTheTable(String phase, BlockState expected) {
    assertThat(at(pod(new V1PodStatus().phase(phase)), Duration.ofSeconds(1)).state())
        .isEqualTo(expected);
  }

  static Stream<Arguments> waitingReasons() {
    return PodStates.WAITING.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0} is {1}")
  @MethodSource("waitingReasons")
  void eachWaitingReasonFailsTheBlockNowAfterTheGraceOrNever(
      String reason, PodStates.Waiting verdict) {
    V1Pod pod = pod(Kubelet.waiting(reason, "details"));
    BlockStatus early = at(pod, Duration.ofSeconds(1));
    BlockStatus late = at(pod, GRACE);
    assertThat(early.message()).isEqualTo(reason + ": details");
    switch (verdict) {
      case STARTING -> {
        assertThat(early.state()).isEqualTo(BlockState.PENDING);
        assertThat(late.state()).isEqualTo(BlockState.PENDING);
      }
      case FAILED_AFTER_GRACE -> {
        assertThat(early.state()).isEqualTo(BlockState.PENDING);
        assertThat(late.state()).isEqualTo(BlockState.FAILED);
        assertThat(late.message()).isEqualTo(reason + ": details (for more than 120 s)");
        assertThat(late.since()).isEqualTo(CREATED.plus(GRACE));
      }
      case FAILED -> {
        assertThat(early.state()).isEqualTo(BlockState.FAILED);
        assertThat(late.state()).isEqualTo(BlockState.FAILED);
      }
    }
  }

  @Test
  void aPodThatHitItsDeadlineTimedOut() {
    assertThat(PodStates.FAILED_REASONS)
        .containsExactly(Map.entry("DeadlineExceeded", BlockState.TIMEOUT));
    BlockStatus s =
        at(pod(Kubelet.podFailed("DeadlineExceeded", "Pod was active too long")), Duration.ZERO);
    assertThat(s.state()).isEqualTo(BlockState.TIMEOUT);
    assertThat(s.message()).isEqualTo("DeadlineExceeded: Pod was active too long");
  }

  @Test
  void aPodWithoutStatusYetIsPendingSinceItsCreation() {
    BlockStatus s = at(pod(null), Duration.ofSeconds(5));
    assertThat(s).isEqualTo(new BlockStatus(BlockState.PENDING, null, CREATED));
  }

  @Test
  void anUnknownWaitingReasonIsStillStarting() {
    BlockStatus s = at(pod(Kubelet.waiting("SomethingNew", null)), GRACE.multipliedBy(10));
    assertThat(s.state()).isEqualTo(BlockState.PENDING);
    assertThat(s.message()).isEqualTo("SomethingNew");
  }

  @Test
  void anUnschedulablePodIsPendingWithTheSchedulersReason() {
    V1PodStatus st =
        new V1PodStatus()
            .phase("Pending")
            .conditions(
                List.of(
                    new V1PodCondition()
                        .type("PodScheduled")
                        .status("False")
                        .reason("Unschedulable")
                        .message("0/3 nodes are available: 3 Insufficient cpu.")));
    BlockStatus s = at(pod(st), Duration.ofHours(1));
    assertThat(s.state()).isEqualTo(BlockState.PENDING);
    assertThat(s.message())
        .isEqualTo("Unschedulable: 0/3 nodes are available: 3 Insufficient cpu.");
  }

  @Test
  void anOomKilledWorkerFailsWithTheReasonAndExitCodeSinceItEnded() {
    V1PodStatus st = Kubelet.ended("Failed", "OOMKilled", 137);
    OffsetDateTime finished =
        st.getContainerStatuses().get(0).getState().getTerminated().getFinishedAt();
    BlockStatus s = at(pod(st), Duration.ofHours(1));
    assertThat(s)
        .isEqualTo(
            new BlockStatus(BlockState.FAILED, "OOMKilled (exit code 137)", finished.toInstant()));
  }

  @Test
  void aRunningPodRunsSinceItsContainerStarted() {
    V1PodStatus st = Kubelet.running();
    OffsetDateTime started =
        st.getContainerStatuses().get(0).getState().getRunning().getStartedAt();
    assertThat(at(pod(st), Duration.ofHours(1)))
        .isEqualTo(new BlockStatus(BlockState.RUNNING, null, started.toInstant()));
  }

  @Test
  void aPodWhoseNodeStoppedReportingStaysRunningWithAMessage() {
    BlockStatus s = at(pod(new V1PodStatus().phase("Unknown")), Duration.ofMinutes(5));
    assertThat(s.state()).isEqualTo(BlockState.RUNNING);
    assertThat(s.message()).isEqualTo("pod phase Unknown: its node stopped reporting");
  }
}
