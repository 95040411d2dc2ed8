package dev.gale.scaler.kubernetes;

import dev.gale.api.Json;
import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.ProviderContract;
import dev.gale.scaler.spi.Provider;
import dev.gale.scaler.spi.ProviderContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The provider contract against the Kubernetes API mock server. The mock stores pods but runs
 * nothing, so a {@link Kubelet} plays the kubelet for the {@code sh -c} scripts the contract uses:
 * pods go Pending, Running, and end with the script's {@code exit} code. Everything else (create,
 * list by label selector, delete) is the real client against the real HTTP API of the mock.
 */
class KubernetesProviderContractTest extends ProviderContract {
  private static final AtomicInteger NS = new AtomicInteger();
  private static MockKubernetes mock;
  private Kubelet kubelet;

  @BeforeAll
  static void startMock() {
    mock = MockKubernetes.http();
  }

  @AfterAll
  static void stopMock() {
    mock.close();
  }

  @AfterEach
  void stopKubelet() {
    if (kubelet != null) {
      kubelet.close();
    }
  }

  @Override
  protected Provider newProvider(String script) {
    String namespace = "contract-" + NS.incrementAndGet();
    kubelet = new Kubelet(mock.api(), namespace).start();
    var options =
        Json.object()
            .put("apiServer", mock.url())
            .put("namespace", namespace)
            .put("image", "example.org/gale-worker:test")
            .put("gracePeriodSeconds", 2);
    return new KubernetesProviderFactory()
        .create(
            new ProviderContext(
                "default",
                options,
                new BlockCommand(
                    List.of("sh", "-c", script), Map.of("GALE_WORKER_TOKEN", "t0k3n-contract")),
                Path.of("/nonexistent")));
  }
}
