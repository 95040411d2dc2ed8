package dev.gale.scaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.BlockRecord;
import dev.gale.scaler.BlockRequest;
import dev.gale.scaler.BlockState;
import dev.gale.scaler.BlockStatus;
import dev.gale.scaler.ProviderException;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Toleration;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kubernetes provider against the Kubernetes API mock server in CRUD mode. */
class KubernetesProviderTest {
  private static final String TOKEN = "gale-worker-token-0123456789abcdef";
  private static final BlockCommand COMMAND =
      new BlockCommand(
          List.of(
              "gale", "worker", "--pool", "{pool}", "--slots", "{slots}", "--worker-id", "{block}"),
          Map.of("GALE_WORKER_TOKEN", TOKEN, "GALE_RUNTIME_URL", "http://gale-gateway:8080"));
  private static final BlockRequest REQUEST = BlockRequest.of("gpu", 4);
  private static final AtomicInteger NS = new AtomicInteger();

  private static MockKubernetes mock;
  private static CoreV1Api api;

  private String ns;
  private Kubelet kubelet;
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

  @BeforeAll
  static void startMock() {
    mock = MockKubernetes.http();
    api = mock.api();
  }

  @AfterAll
  static void stopMock() {
    mock.close();
  }

  @BeforeEach
  void freshNamespace() {
    ns = "test-" + NS.incrementAndGet();
    kubelet = new Kubelet(api, ns);
  }

  private ObjectNode options() {
    return Json.object()
        .put("apiServer", mock.url())
        .put("namespace", ns)
        .put("image", "registry.example.org/gale/worker:0.1.0");
  }

  private KubernetesProvider provider(ObjectNode options) {
    return provider(options, COMMAND);
  }

  private KubernetesProvider provider(ObjectNode options, BlockCommand command) {
    KubernetesOptions o = KubernetesOptions.parse("gpu", options);
    return new KubernetesProvider("gpu", o, command, ApiConnector.fromEnvironment(o), now::get);
  }

  private V1Pod pod(String name) throws ApiException {
    return api.readNamespacedPod(name, ns).execute();
  }

  private List<String> podNames() throws ApiException {
    return api.listNamespacedPod(ns).execute().getItems().stream()
        .map(p -> p.getMetadata().getName())
        .toList();
  }

  private List<String> secretNames() throws ApiException {
    return api.listNamespacedSecret(ns).execute().getItems().stream()
        .map(p -> p.getMetadata().getName())
        .toList();
  }

  private static BlockStatus status(KubernetesProvider p, String id) {
    return p.status(List.of(id)).get(id);
  }

  @Test
  void anotherInstanceAdoptsAPodOfThePoolAndDeletesItOnCancel() throws Exception {
    KubernetesProvider first = provider(options());
    String id = first.submit(REQUEST);
    KubernetesProvider second = provider(options());
    Instant at = now.get();
    assertThat(
            second.adopt(
                new BlockRecord(id, id, BlockState.PENDING, at, at, null, false, false, false)))
        .isTrue();
    assertThat(second.jobId(id)).contains(id);
    assertThat(status(second, id).state()).isEqualTo(BlockState.PENDING);
    second.cancel(List.of(id));
    assertThat(podNames()).doesNotContain(id);
    assertThat(status(second, id).state()).isEqualTo(BlockState.CANCELLED);
    assertThat(
            second.adopt(
                new BlockRecord(
                    "gale-cpu-abc123-1", null, BlockState.RUNNING, at, at, at, true, false, false)))
        .as("a pod of another pool")
        .isFalse();
  }

  @Test
  void submitCreatesALabelledPodWithTheImageResourcesAndSchedulingOptions() throws Exception {
    ObjectNode o = options().put("imagePullPolicy", "IfNotPresent");
    o.put("cpu", "500m").put("memory", "1Gi").put("cpuLimit", 2).put("memoryLimit", "2Gi");
    o.put("serviceAccount", "gale-worker").put("gracePeriodSeconds", 45);
    o.putObject("nodeSelector").put("node.example.org/pool", "workers");
    o.putArray("tolerations")
        .add(
            Json.object()
                .put("key", "dedicated")
                .put("operator", "Equal")
                .put("value", "gale")
                .put("effect", "NoSchedule"))
        .add(
            Json.object()
                .put("operator", "Exists")
                .put("effect", "NoExecute")
                .put("tolerationSeconds", 60));
    o.putArray("imagePullSecrets").add("regcred");
    o.putObject("labels").put("team", "science");
    o.putObject("annotations").put("example.org/owner", "alice");
    KubernetesProvider provider = provider(o);

    String id = provider.submit(new BlockRequest("gpu", 1, 4, Duration.ofHours(2)));

    V1Pod pod = pod(id);
    assertThat(id).startsWith("gale-gpu-");
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "gale")
        .containsEntry("gale.dev/pool", "gpu")
        .containsEntry("gale.dev/block", id)
        .containsEntry("team", "science");
    assertThat(pod.getMetadata().getAnnotations()).containsEntry("example.org/owner", "alice");
    V1PodSpec spec = pod.getSpec();
    assertThat(spec.getRestartPolicy()).isEqualTo("Never");
    assertThat(spec.getServiceAccountName()).isEqualTo("gale-worker");
    assertThat(spec.getNodeSelector())
        .containsExactly(Map.entry("node.example.org/pool", "workers"));
    assertThat(spec.getTolerations())
        .containsExactly(
            new V1Toleration()
                .key("dedicated")
                .operator("Equal")
                .value("gale")
                .effect("NoSchedule"),
            new V1Toleration().operator("Exists").effect("NoExecute").tolerationSeconds(60L));
    assertThat(spec.getImagePullSecrets()).extracting("name").containsExactly("regcred");
    assertThat(spec.getTerminationGracePeriodSeconds()).isEqualTo(45L);
    assertThat(spec.getActiveDeadlineSeconds()).isEqualTo(7200L);
    V1Container c = spec.getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("registry.example.org/gale/worker:0.1.0");
    assertThat(c.getImagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(c.getArgs())
        .containsExactly("gale", "worker", "--pool", "gpu", "--slots", "4", "--worker-id", id);
    assertThat(c.getResources().getRequests())
        .containsEntry("cpu", Quantity.fromString("500m"))
        .containsEntry("memory", Quantity.fromString("1Gi"));
    assertThat(c.getResources().getLimits())
        .containsEntry("cpu", Quantity.fromString("2"))
        .containsEntry("memory", Quantity.fromString("2Gi"));
    assertThat(c.getEnv())
        .extracting(V1EnvVar::getName)
        .containsExactly("GALE_RUNTIME_URL", "GALE_WORKER_TOKEN");
    for (V1EnvVar e : c.getEnv()) {
      assertThat(e.getValue()).isNull();
      assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo(id + "-env");
      assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(e.getName());
    }
    assertThat(JSON.serialize(pod)).doesNotContain(TOKEN);

    V1Secret secret = api.readNamespacedSecret(id + "-env", ns).execute();
    assertThat(secret.getStringData())
        .containsEntry("GALE_WORKER_TOKEN", TOKEN)
        .containsEntry("GALE_RUNTIME_URL", "http://gale-gateway:8080");
    assertThat(secret.getMetadata().getLabels()).containsEntry("gale.dev/block", id);
    assertThat(secret.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getKind()).isEqualTo("Pod");
              assertThat(r.getName()).isEqualTo(id);
              assertThat(r.getUid()).isEqualTo(pod.getMetadata().getUid());
            });
  }

  @Test
  void withoutServiceAccountOrEnvironmentPodsGetNoApiTokenAndNoSecret() throws Exception {
    KubernetesProvider provider = provider(options(), BlockCommand.of("gale", "worker"));
    String id = provider.submit(REQUEST);
    V1PodSpec spec = pod(id).getSpec();
    assertThat(spec.getAutomountServiceAccountToken()).isFalse();
    assertThat(spec.getServiceAccountName()).isNull();
    assertThat(spec.getActiveDeadlineSeconds()).isNull();
    assertThat(spec.getContainers().get(0).getEnv()).isNullOrEmpty();
    assertThat(spec.getContainers().get(0).getResources()).isNull();
    assertThat(secretNames()).isEmpty();
  }

  @Test
  void everyBlockGetsANewPodNameEvenAcrossProviders() {
    String a = provider(options()).submit(REQUEST);
    String b = provider(options()).submit(REQUEST);
    KubernetesProvider p = provider(options());
    String c = p.submit(REQUEST);
    String d = p.submit(REQUEST);
    assertThat(List.of(a, b, c, d)).doesNotHaveDuplicates();
  }

  @Test
  void statusListsThePoolsPodsWithOneLabelSelectorCall() throws Exception {
    KubernetesProvider provider = provider(options());
    String a = provider.submit(REQUEST);
    String b = provider.submit(REQUEST);
    String c = provider.submit(REQUEST);
    kubelet.set(b, Kubelet.running());
    int before = mock.requestCount();

    Map<String, BlockStatus> s = provider.status(List.of(a, b, c, "gale-gpu-nope-1"));

    assertThat(mock.requestCount() - before).isEqualTo(1);
    assertThat(mock.server().getLastRequest().getPath())
        .startsWith("/api/v1/namespaces/" + ns + "/pods?")
        .contains("labelSelector=app.kubernetes.io%2Fmanaged-by%3Dgale%2Cgale.dev%2Fpool%3Dgpu");
    assertThat(s).containsOnlyKeys(a, b, c, "gale-gpu-nope-1");
    assertThat(s.get(a).state()).isEqualTo(BlockState.PENDING);
    assertThat(s.get(b).state()).isEqualTo(BlockState.RUNNING);
    assertThat(s.get("gale-gpu-nope-1").state()).isEqualTo(BlockState.MISSING);
    assertThat(provider.status(List.of())).isEmpty();
  }

  @Test
  void translatesWhatTheKubeletReports() throws Exception {
    KubernetesProvider provider = provider(options());
    String id = provider.submit(REQUEST);
    assertThat(status(provider, id).state()).isEqualTo(BlockState.PENDING);
    kubelet.set(id, Kubelet.waiting("ContainerCreating", null));
    assertThat(status(provider, id))
        .extracting(BlockStatus::state, BlockStatus::message)
        .containsExactly(BlockState.PENDING, "ContainerCreating");
    kubelet.set(id, Kubelet.running());
    assertThat(status(provider, id).state()).isEqualTo(BlockState.RUNNING);
    kubelet.set(id, Kubelet.ended("Succeeded", "Completed", 0));
    assertThat(status(provider, id))
        .extracting(BlockStatus::state, BlockStatus::message)
        .containsExactly(BlockState.COMPLETED, "Completed (exit code 0)");

    String oom = provider.submit(REQUEST);
    kubelet.set(oom, Kubelet.ended("Failed", "OOMKilled", 137));
    assertThat(status(provider, oom))
        .extracting(BlockStatus::state, BlockStatus::message)
        .containsExactly(BlockState.FAILED, "OOMKilled (exit code 137)");

    String walltime = provider.submit(REQUEST);
    kubelet.set(walltime, Kubelet.podFailed("DeadlineExceeded", "Pod was active too long"));
    assertThat(status(provider, walltime).state()).isEqualTo(BlockState.TIMEOUT);

    String evicted = provider.submit(REQUEST);
    kubelet.set(evicted, Kubelet.podFailed("Evicted", "The node was low on resource: memory."));
    assertThat(status(provider, evicted))
        .extracting(BlockStatus::state, BlockStatus::message)
        .containsExactly(BlockState.FAILED, "Evicted: The node was low on resource: memory.");

    String badImage = provider.submit(REQUEST);
    kubelet.set(badImage, Kubelet.waiting("InvalidImageName", "couldn't parse image name"));
    assertThat(status(provider, badImage).state()).isEqualTo(BlockState.FAILED);
  }

  @Test
  void anImageThatCannotBePulledFailsTheBlockAfterTheGraceAndItsPodIsDeleted() throws Exception {
    KubernetesProvider provider = provider(options().put("imagePullGraceSeconds", 60));
    String id = provider.submit(REQUEST);
    Instant created = pod(id).getMetadata().getCreationTimestamp().toInstant();
    kubelet.set(id, Kubelet.waiting("ImagePullBackOff", "Back-off pulling image"));

    now.set(created.plusSeconds(30));
    assertThat(status(provider, id))
        .extracting(BlockStatus::state, BlockStatus::message)
        .containsExactly(BlockState.PENDING, "ImagePullBackOff: Back-off pulling image");

    now.set(created.plusSeconds(61));
    BlockStatus failed = status(provider, id);
    assertThat(failed.state()).isEqualTo(BlockState.FAILED);
    assertThat(failed.message()).startsWith("ImagePullBackOff: Back-off pulling image");
    assertThat(podNames()).as("the kubelet must stop pulling: no late worker").isEmpty();
    assertThat(secretNames()).isEmpty();
    assertThat(status(provider, id)).isEqualTo(failed);
  }

  @Test
  void cancelDeletesThePodAndItsSecretAndIsIdempotent() throws Exception {
    KubernetesProvider provider = provider(options());
    String a = provider.submit(REQUEST);
    String b = provider.submit(REQUEST);
    kubelet.set(a, Kubelet.running());

    provider.cancel(List.of(a, "gale-gpu-nope-1"));
    provider.cancel(List.of(a));

    assertThat(podNames()).containsExactly(b);
    assertThat(secretNames()).containsExactly(b + "-env");
    assertThat(status(provider, a))
        .extracting(BlockStatus::state, BlockStatus::message)
        .containsExactly(BlockState.CANCELLED, "cancelled; pod deleted");
    assertThat(status(provider, b).state()).isEqualTo(BlockState.PENDING);
    assertThat(status(provider, "gale-gpu-nope-1").state()).isEqualTo(BlockState.MISSING);
  }

  @Test
  void cancelNeverDeletesAPodOutsideThePool() throws Exception {
    foreignPod("database-0", Map.of("app", "postgres"));
    foreignPod(
        "gale-cpu-abc-1",
        Map.of(
            "app.kubernetes.io/managed-by", "gale",
            "gale.dev/pool", "cpu",
            "gale.dev/block", "gale-cpu-abc-1"));
    KubernetesProvider provider = provider(options());
    provider.cancel(List.of("database-0", "gale-cpu-abc-1"));
    assertThat(podNames()).containsExactlyInAnyOrder("database-0", "gale-cpu-abc-1");
    assertThat(status(provider, "database-0").state()).isEqualTo(BlockState.MISSING);
    assertThat(status(provider, "gale-cpu-abc-1").state()).isEqualTo(BlockState.MISSING);
  }

  private void foreignPod(String name, Map<String, String> labels) throws ApiException {
    api.createNamespacedPod(
            ns,
            new V1Pod()
                .apiVersion("v1")
                .kind("Pod")
                .metadata(new V1ObjectMeta().name(name).labels(labels))
                .spec(
                    new V1PodSpec()
                        .containers(List.of(new V1Container().name("main").image("busybox")))))
        .execute();
  }

  @Test
  void cancellingABlockThatEndedByItselfCleansUpButKeepsItsEndState() throws Exception {
    KubernetesProvider provider = provider(options());
    String id = provider.submit(REQUEST);
    kubelet.set(id, Kubelet.ended("Failed", "Error", 3));
    provider.cancel(List.of(id));
    assertThat(podNames()).isEmpty();
    assertThat(secretNames()).isEmpty();
    assertThat(status(provider, id))
        .extracting(BlockStatus::state, BlockStatus::message)
        .containsExactly(BlockState.FAILED, "Error (exit code 3)");
  }

  @Test
  void aPodDeletedFromOutsideIsReportedMissing() throws Exception {
    KubernetesProvider provider = provider(options());
    String id = provider.submit(REQUEST);
    kubelet.set(id, Kubelet.running());
    api.deleteNamespacedPod(id, ns).execute();
    BlockStatus s = status(provider, id);
    assertThat(s.state()).isEqualTo(BlockState.MISSING);
    assertThat(s.message()).isEqualTo("pod " + id + " was deleted outside Gale");
    assertThat(status(provider, id).since()).isEqualTo(s.since());
  }

  @Test
  void aQuotaRefusalIsARetryableErrorWithTheStatusAndTheApiMessage() throws Exception {
    mock.expect()
        .post()
        .withPath("/api/v1/namespaces/" + ns + "/pods")
        .andReturn(
            403,
            status(
                403,
                "Forbidden",
                "pods \\\"x\\\" is forbidden: exceeded quota: compute, requested: pods=1,"
                    + " used: pods=10, limited: pods=10"))
        .once();
    KubernetesProvider provider = provider(options());
    assertThatThrownBy(() -> provider.submit(REQUEST))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.isRetryable()).isTrue();
              assertThat(e.code()).isEqualTo("provider_failed");
              assertThat(e.getMessage())
                  .startsWith("kubernetes API refused to create pod gale-gpu-")
                  .contains(
                      "in namespace " + ns + ": HTTP 403: pods \"x\" is forbidden: exceeded quota");
            });
    assertThat(secretNames()).as("the Secret made for the pod is removed").isEmpty();
    assertThat(podNames()).isEmpty();
  }

  @Test
  void aCallForbiddenByRbacIsNotRetryable() {
    mock.expect()
        .get()
        .withPath(
            "/api/v1/namespaces/"
                + ns
                + "/pods?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dgale%2Cgale.dev%2Fpool%3Dgpu")
        .andReturn(
            403,
            status(
                403,
                "Forbidden",
                "pods is forbidden: User \\\"system:serviceaccount:gale:scaler\\\" cannot list"
                    + " resource \\\"pods\\\" in API group \\\"\\\" in the namespace \\\""
                    + ns
                    + "\\\""))
        .once();
    KubernetesProvider provider = provider(options());
    assertThatThrownBy(() -> provider.status(List.of("gale-gpu-x-1")))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.isRetryable()).isFalse();
              assertThat(e.getMessage())
                  .isEqualTo(
                      "kubernetes API refused to list pods of pool gpu in namespace "
                          + ns
                          + ": HTTP 403: pods is forbidden: User"
                          + " \"system:serviceaccount:gale:scaler\" cannot list resource \"pods\""
                          + " in API group \"\" in the namespace \""
                          + ns
                          + "\"");
            });
  }

  @Test
  void aNameConflictIsARetryableError() {
    mock.expect()
        .post()
        .withPath("/api/v1/namespaces/" + ns + "/pods")
        .andReturn(409, status(409, "AlreadyExists", "pods \\\"gale-gpu-x-1\\\" already exists"))
        .once();
    KubernetesProvider provider = provider(options());
    assertThatThrownBy(() -> provider.submit(REQUEST))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.isRetryable()).isTrue();
              assertThat(e.getMessage()).contains("HTTP 409: pods \"gale-gpu-x-1\" already exists");
            });
  }

  @Test
  void errorMessagesNeverCarryTheWorkerToken() {
    mock.expect()
        .post()
        .withPath("/api/v1/namespaces/" + ns + "/secrets")
        .andReturn(
            422, "{\"kind\":\"Status\",\"message\":\"bad value " + TOKEN + "\",\"code\":422}")
        .once();
    KubernetesProvider provider = provider(options());
    assertThatThrownBy(() -> provider.submit(REQUEST))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.isRetryable()).isFalse();
              assertThat(e.getMessage()).contains("HTTP 422: bad value ***").doesNotContain(TOKEN);
              assertThat(e.getCause()).isNull();
            });
  }

  @Test
  void anUnreachableApiServerIsARetryableErrorAndCreationDoesNoIo() {
    KubernetesProvider provider = provider(options().put("apiServer", "http://127.0.0.1:1"));
    assertThatThrownBy(() -> provider.status(List.of("gale-gpu-x-1")))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.isRetryable()).isTrue();
              assertThat(e.getMessage())
                  .startsWith("kubernetes API unreachable: cannot list pods of pool gpu");
            });
  }

  @Test
  void aBlockOfSeveralNodesIsRefused() {
    KubernetesProvider provider = provider(options());
    assertThatThrownBy(() -> provider.submit(new BlockRequest("gpu", 2, 1, null)))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("nodesPerBlock must be 1, got 2");
  }

  private static String status(int code, String reason, String message) {
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\""
        + message
        + "\",\"reason\":\""
        + reason
        + "\",\"code\":"
        + code
        + "}";
  }
}
