package dev.gale.scaler.kubernetes;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStateWaiting;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays the kubelet against the mock API server, which stores pods but runs nothing: it writes pod
 * statuses through the real {@code /status} endpoint, as a kubelet does.
 *
 * <p>Called directly, it puts one pod into a given state. {@link #start()} runs it as a loop that
 * "runs" the {@code sh -c SCRIPT} pods of a namespace: each pod goes Pending (ContainerCreating),
 * then Running; a script {@code exit N} then ends with exit code N (Succeeded for 0, else Failed);
 * any other script (e.g. {@code sleep 300}) keeps running.
 */
final class Kubelet implements AutoCloseable {
  private static final Pattern EXIT = Pattern.compile("exit (\\d+)");

  private final CoreV1Api api;
  private final String namespace;
  private ScheduledExecutorService loop;

  Kubelet(CoreV1Api api, String namespace) {
    this.api = api;
    this.namespace = namespace;
  }

  /** Writes a pod's status. */
  void set(String pod, V1PodStatus status) throws ApiException {
    V1Pod p = api.readNamespacedPod(pod, namespace).execute();
    p.status(status);
    api.replaceNamespacedPodStatus(pod, namespace, p).execute();
  }

  static V1PodStatus waiting(String reason, String message) {
    return new V1PodStatus()
        .phase("Pending")
        .containerStatuses(
            List.of(
                worker(
                    new V1ContainerState()
                        .waiting(new V1ContainerStateWaiting().reason(reason).message(message)))));
  }

  static V1PodStatus running() {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    return new V1PodStatus()
        .phase("Running")
        .startTime(now)
        .containerStatuses(
            List.of(
                worker(
                    new V1ContainerState().running(new V1ContainerStateRunning().startedAt(now)))));
  }

  /** A pod whose worker container ended. */
  static V1PodStatus ended(String phase, String reason, int exitCode) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    return new V1PodStatus()
        .phase(phase)
        .containerStatuses(
            List.of(
                worker(
                    new V1ContainerState()
                        .terminated(
                            new V1ContainerStateTerminated()
                                .reason(reason)
                                .exitCode(exitCode)
                                .startedAt(now.minusSeconds(1))
                                .finishedAt(now)))));
  }

  /** A Failed pod with a pod-level reason (Evicted, DeadlineExceeded). */
  static V1PodStatus podFailed(String reason, String message) {
    return new V1PodStatus().phase("Failed").reason(reason).message(message);
  }

  private static V1ContainerStatus worker(V1ContainerState state) {
    return new V1ContainerStatus()
        .name(PodTemplate.CONTAINER)
        .image("img")
        .imageID("")
        .ready(state.getRunning() != null)
        .restartCount(0)
        .state(state);
  }

  /** Runs the namespace's pods until {@link #close()}. */
  Kubelet start() {
    loop = Executors.newSingleThreadScheduledExecutor();
    loop.scheduleWithFixedDelay(this::stepQuietly, 0, 100, TimeUnit.MILLISECONDS);
    return this;
  }

  private void stepQuietly() {
    try {
      for (V1Pod p : api.listNamespacedPod(namespace).execute().getItems()) {
        step(p);
      }
    } catch (ApiException | RuntimeException e) {
      // a pod deleted meanwhile; the next step sees the new state
    }
  }

  private void step(V1Pod p) throws ApiException {
    String name = p.getMetadata().getName();
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    if (phase == null) {
      set(name, waiting("ContainerCreating", null));
    } else if (phase.equals("Pending")) {
      set(name, running());
    } else if (phase.equals("Running")) {
      List<String> args = p.getSpec().getContainers().get(0).getArgs();
      Matcher m = EXIT.matcher(args == null || args.isEmpty() ? "" : args.get(args.size() - 1));
      if (m.matches()) {
        int code = Integer.parseInt(m.group(1));
        set(
            name,
            ended(code == 0 ? "Succeeded" : "Failed", code == 0 ? "Completed" : "Error", code));
      }
    }
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.shutdownNow();
    }
  }
}
