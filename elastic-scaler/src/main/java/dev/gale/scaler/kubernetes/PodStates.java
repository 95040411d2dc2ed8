package dev.gale.scaler.kubernetes;

import dev.gale.scaler.BlockState;
import dev.gale.scaler.BlockStatus;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStateWaiting;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * Translates a pod into a {@link BlockStatus}: the one table of how Kubernetes' pod phases and
 * container states map onto {@link BlockState}.
 *
 * <ol>
 *   <li>{@link #PHASES}: the pod phase gives the state. A pod with no phase yet (just created) is
 *       {@code PENDING}; {@code Unknown} (its node stopped reporting) stays {@code RUNNING}, since
 *       the worker may still be alive and the gateway notices a lost worker by itself.
 *   <li>{@link #WAITING}: while {@code Pending}, the worker container's waiting reason can end the
 *       block early: an image that can never be pulled or a container that cannot be created is
 *       {@code FAILED} at once; a failed pull ({@code ErrImagePull}, {@code ImagePullBackOff}) is
 *       retried by the kubelet, so it is {@code FAILED} only once the pod is older than the
 *       image-pull grace.
 *   <li>{@link #FAILED_REASONS}: a {@code Failed} pod whose reason is {@code DeadlineExceeded} hit
 *       its walltime ({@code activeDeadlineSeconds}): {@code TIMEOUT}, which for a pilot job is not
 *       a failure.
 * </ol>
 *
 * Messages carry the reason (e.g. {@code OOMKilled (exit code 137)}, {@code ImagePullBackOff: ...},
 * {@code Unschedulable: 0/3 nodes are available ...}).
 */
final class PodStates {
  /** Pod phase to block state. */
  static final Map<String, BlockState> PHASES =
      Map.of(
          "Pending", BlockState.PENDING,
          "Running", BlockState.RUNNING,
          "Succeeded", BlockState.COMPLETED,
          "Failed", BlockState.FAILED,
          "Unknown", BlockState.RUNNING);

  /** What a waiting reason of the worker container means for a {@code Pending} pod. */
  enum Waiting {
    /** Still starting. */
    STARTING,
    /** Failed, but the kubelet retries: {@code FAILED} after the image-pull grace. */
    FAILED_AFTER_GRACE,
    /** Cannot start: {@code FAILED} now. */
    FAILED
  }

  /** Waiting reasons of the worker container; a reason not listed counts as still starting. */
  static final Map<String, Waiting> WAITING =
      Map.of(
          "ContainerCreating", Waiting.STARTING,
          "PodInitializing", Waiting.STARTING,
          "ErrImagePull", Waiting.FAILED_AFTER_GRACE,
          "ImagePullBackOff", Waiting.FAILED_AFTER_GRACE,
          "CreateContainerConfigError", Waiting.FAILED_AFTER_GRACE,
          "InvalidImageName", Waiting.FAILED,
          "ErrImageNeverPull", Waiting.FAILED,
          "CreateContainerError", Waiting.FAILED,
          "RunContainerError", Waiting.FAILED,
          "CrashLoopBackOff", Waiting.FAILED);

  /** Reasons of a {@code Failed} pod that mean another state than {@code FAILED}. */
  static final Map<String, BlockState> FAILED_REASONS =
      Map.of("DeadlineExceeded", BlockState.TIMEOUT);

  private PodStates() {}

  /**
   * The status of a block from its pod.
   *
   * @param now the current time, for the image-pull grace and as the fallback {@code since}
   * @param imagePullGrace how long pull failures are retried before the block counts as failed
   */
  static BlockStatus translate(V1Pod pod, Instant now, Duration imagePullGrace) {
    V1PodStatus st = pod.getStatus();
    String phase = st == null ? null : st.getPhase();
    Instant created = instant(pod.getMetadata().getCreationTimestamp(), now);
    BlockState state = phase == null ? BlockState.PENDING : PHASES.get(phase);
    if (state == null) {
      return new BlockStatus(BlockState.RUNNING, "unknown pod phase " + phase, now);
    }
    V1ContainerStatus worker = worker(st);
    V1ContainerState cs = worker == null ? null : worker.getState();
    return switch (state) {
      case PENDING -> pending(st, cs, created, now, imagePullGrace);
      case RUNNING -> running(phase, st, cs, created);
      case COMPLETED -> ended(BlockState.COMPLETED, st, cs, now);
      default -> failed(st, cs, now);
    };
  }

  /** True when the pod itself has ended ({@code Succeeded} or {@code Failed}). */
  static boolean ended(V1Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static BlockStatus pending(
      V1PodStatus st, V1ContainerState cs, Instant created, Instant now, Duration grace) {
    V1ContainerStateWaiting w = cs == null ? null : cs.getWaiting();
    if (w != null && w.getReason() != null) {
      String why = reason(w.getReason(), w.getMessage());
      Waiting verdict = WAITING.getOrDefault(w.getReason(), Waiting.STARTING);
      if (verdict == Waiting.FAILED) {
        return new BlockStatus(BlockState.FAILED, why, now);
      }
      if (verdict == Waiting.FAILED_AFTER_GRACE) {
        Instant deadline = created.plus(grace);
        if (!now.isBefore(deadline)) {
          return new BlockStatus(
              BlockState.FAILED, why + " (for more than " + grace.toSeconds() + " s)", deadline);
        }
      }
      return new BlockStatus(BlockState.PENDING, why, created);
    }
    V1PodCondition scheduled = condition(st, "PodScheduled");
    if (scheduled != null && "False".equals(scheduled.getStatus())) {
      return new BlockStatus(
          BlockState.PENDING, reason(scheduled.getReason(), scheduled.getMessage()), created);
    }
    return new BlockStatus(BlockState.PENDING, null, created);
  }

  private static BlockStatus running(
      String phase, V1PodStatus st, V1ContainerState cs, Instant created) {
    Instant since =
        cs != null && cs.getRunning() != null
            ? instant(cs.getRunning().getStartedAt(), created)
            : instant(st.getStartTime(), created);
    String message =
        "Unknown".equals(phase)
            ? reason("pod phase Unknown: its node stopped reporting", st.getMessage())
            : null;
    return new BlockStatus(BlockState.RUNNING, message, since);
  }

  private static BlockStatus failed(V1PodStatus st, V1ContainerState cs, Instant now) {
    BlockState special = st.getReason() == null ? null : FAILED_REASONS.get(st.getReason());
    if (special != null) {
      return new BlockStatus(special, reason(st.getReason(), st.getMessage()), endedAt(cs, now));
    }
    return ended(BlockState.FAILED, st, cs, now);
  }

  private static BlockStatus ended(
      BlockState state, V1PodStatus st, V1ContainerState cs, Instant now) {
    V1ContainerStateTerminated t = cs == null ? null : cs.getTerminated();
    String message;
    if (t != null) {
      message =
          (t.getReason() == null ? "exited" : t.getReason())
              + " (exit code "
              + t.getExitCode()
              + ")"
              + (t.getMessage() == null || t.getMessage().isBlank() ? "" : ": " + t.getMessage());
    } else if (st.getReason() != null) {
      message = reason(st.getReason(), st.getMessage());
    } else {
      message = st.getMessage();
    }
    return new BlockStatus(state, message, endedAt(cs, now));
  }

  private static Instant endedAt(V1ContainerState cs, Instant now) {
    V1ContainerStateTerminated t = cs == null ? null : cs.getTerminated();
    return t == null ? now : instant(t.getFinishedAt(), now);
  }

  private static V1ContainerStatus worker(V1PodStatus st) {
    List<V1ContainerStatus> all = st == null ? null : st.getContainerStatuses();
    if (all == null || all.isEmpty()) {
      return null;
    }
    return all.stream()
        .filter(c -> PodTemplate.CONTAINER.equals(c.getName()))
        .findFirst()
        .orElse(all.get(0));
  }

  private static V1PodCondition condition(V1PodStatus st, String type) {
    if (st == null || st.getConditions() == null) {
      return null;
    }
    return st.getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  private static String reason(String reason, String message) {
    if (message == null || message.isBlank()) {
      return reason;
    }
    return reason == null ? message : reason + ": " + message;
  }

  private static Instant instant(OffsetDateTime t, Instant fallback) {
    return t == null ? fallback : t.toInstant();
  }
}
