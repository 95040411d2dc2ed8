package dev.gale.scaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.Json;
import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.BlockState;
import dev.gale.scaler.QueueDepth;
import dev.gale.scaler.ScalerLoop;
import dev.gale.scaler.ScalerStatus;
import dev.gale.scaler.strategy.Decision;
import dev.gale.scaler.strategy.PoolSettings;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scaler loop driving the kubernetes provider on the API mock: pods appear with queue depth,
 * pending pods are counted (no over-submission), idle pods are drained and deleted, and a pod
 * deleted from outside is replaced. Ticks are called by hand with a hand-moved clock; the test
 * plays the kubelet.
 */
class KubernetesScalingTest {
  private static final PoolSettings SETTINGS =
      PoolSettings.builder()
          .initBlocks(0)
          .minBlocks(0)
          .maxBlocks(3)
          .slotsPerNode(2)
          .maxIdleSeconds(30)
          .build();

  private static final AtomicInteger NS = new AtomicInteger();
  private static MockKubernetes mock;
  private static CoreV1Api api;

  private String ns;
  private Kubelet kubelet;
  private KubernetesProvider provider;
  private ScalerLoop loop;
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
  private final AtomicReference<QueueDepth> depth = new AtomicReference<>(QueueDepth.idle());
  private final List<String> drained = new CopyOnWriteArrayList<>();

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
  void start() {
    ns = "science-" + NS.incrementAndGet();
    kubelet = new Kubelet(api, ns);
    KubernetesOptions options =
        KubernetesOptions.parse(
            "science",
            Json.object()
                .put("apiServer", mock.url())
                .put("namespace", ns)
                .put("image", "example.org/gale-worker:test"));
    provider =
        new KubernetesProvider(
            "science",
            options,
            new BlockCommand(
                List.of("gale", "worker", "--worker-id", "{block}"),
                Map.of("GALE_WORKER_TOKEN", "scaling-test-token")),
            ApiConnector.fromEnvironment(options),
            now::get);
    loop(SETTINGS);
  }

  private void loop(PoolSettings settings) {
    if (loop != null) {
      loop.close();
    }
    loop =
        ScalerLoop.builder("science", provider, pool -> depth.get())
            .settings(settings)
            .clock(now::get)
            .drainer((pool, id) -> drained.add(id))
            .build();
  }

  @AfterEach
  void stop() {
    loop.close();
  }

  private Decision tickAfter(long seconds) {
    now.set(now.get().plusSeconds(seconds));
    return loop.tick();
  }

  private List<String> pods() throws ApiException {
    return api
        .listNamespacedPod(ns)
        .labelSelector("gale.dev/pool=science")
        .execute()
        .getItems()
        .stream()
        .map(p -> p.getMetadata().getName())
        .sorted()
        .toList();
  }

  private List<String> blocks() {
    return loop.status().blocks().stream().map(ScalerStatus.BlockInfo::id).sorted().toList();
  }

  @Test
  void scalesOutToMaxBlocksCountingPendingPodsThenDeletesIdleOnes() throws Exception {
    depth.set(new QueueDepth(20, 0, Map.of()));
    assertThat(loop.tick().start()).isEqualTo(3);
    assertThat(pods()).hasSize(3).isEqualTo(blocks());

    Decision whilePending = tickAfter(5);
    assertThat(whilePending.start()).isZero();
    assertThat(pods()).hasSize(3);
    assertThat(loop.status().blocks())
        .allSatisfy(b -> assertThat(b.state()).isEqualTo(BlockState.PENDING));

    for (String pod : pods()) {
      kubelet.set(pod, Kubelet.running());
    }
    tickAfter(1);
    assertThat(loop.status().blocks())
        .allSatisfy(b -> assertThat(b.state()).isEqualTo(BlockState.RUNNING));

    List<String> all = pods();
    String busy = all.get(0);
    depth.set(new QueueDepth(0, 1, Map.of(busy, 1)));
    tickAfter(31);
    assertThat(drained).containsExactlyInAnyOrderElementsOf(all.subList(1, 3));
    assertThat(tickAfter(1).cancel()).containsExactlyInAnyOrderElementsOf(all.subList(1, 3));
    assertThat(pods()).containsExactly(busy);

    tickAfter(1);
    assertThat(blocks()).containsExactly(busy);
  }

  @Test
  void replacesAPodDeletedFromOutside() throws Exception {
    depth.set(new QueueDepth(2, 0, Map.of()));
    assertThat(loop.tick().start()).isEqualTo(1);
    String first = pods().get(0);
    kubelet.set(first, Kubelet.running());
    tickAfter(1);
    tickAfter(61); // running past stableAfter: it counts as started

    api.deleteNamespacedPod(first, ns).execute();
    Decision replaced = tickAfter(1);

    assertThat(replaced.start()).isEqualTo(1);
    assertThat(pods()).hasSize(1).doesNotContain(first);
    assertThat(blocks()).isEqualTo(pods());
    assertThat(loop.status().health().healthy()).isTrue();
  }

  @Test
  void aPodWhoseImageCannotBePulledMakesThePoolUnhealthyWithTheReason() throws Exception {
    loop(SETTINGS.toBuilder().unhealthyAfterFailures(1).build());
    depth.set(new QueueDepth(2, 0, Map.of()));
    loop.tick();
    String pod = pods().get(0);
    kubelet.set(pod, Kubelet.waiting("ImagePullBackOff", "Back-off pulling image"));
    tickAfter(10);
    assertThat(loop.status().health().healthy()).isTrue();

    tickAfter(KubernetesOptions.DEFAULT_IMAGE_PULL_GRACE.toSeconds());

    assertThat(loop.status().health().healthy()).isFalse();
    assertThat(loop.status().health().reason())
        .contains("block " + pod + " ended FAILED: ImagePullBackOff: Back-off pulling image");
    assertThat(pods()).as("the failed pod is deleted, no new one is started").isEmpty();
  }
}
