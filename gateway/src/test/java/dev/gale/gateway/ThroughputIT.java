package dev.gale.gateway;

import static dev.gale.gateway.testing.GatewayHarness.args;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.Role;
import dev.gale.gateway.testing.GatewayHarness;
import dev.gale.gateway.testing.Http;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A rough probe of the task path (not a benchmark: client, gateway, scheduler and worker share one
 * JVM). Runs only with {@code -Dgale.perf=true}; prints tasks/s and sync-invoke latencies.
 */
@EnabledIfSystemProperty(named = "gale.perf", matches = "true")
class ThroughputIT {

  @Test
  void reportsBatchThroughputAndSyncInvokeLatency() {
    try (GatewayHarness h = new GatewayHarness()) {
      String user = h.token("perf", Role.USER);
      String pool = GatewayHarness.newPool();
      h.worker("perf-1", pool, 500, 500).record = false;
      h.worker("perf-2", pool, 500, 500).record = false;
      String fn = h.echoFunction(user, pool, 0, false);

      for (int round = 0; round < 3; round++) {
        int batches = 100;
        int size = 1000;
        List<String> last = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int b = 0; b < batches; b++) {
          List<Object> tasks = new ArrayList<>(size);
          for (int i = 0; i < size; i++) {
            tasks.add(args("function", fn));
          }
          Http.Reply r = h.http.post("/v1/tasks", user, args("tasks", tasks));
          assertThat(r.status()).isEqualTo(202);
          if (b == batches - 1) {
            r.json().get("tasks").forEach(t -> last.add(t.get("id").asText()));
          }
        }
        double submitSecs = (System.nanoTime() - t0) / 1e9;
        Http.Reply w = h.http.post("/v1/tasks/wait", user, args("ids", last, "wait", 60));
        w.json()
            .get("tasks")
            .forEach(t -> assertThat(t.get("state").asText()).isEqualTo("succeeded"));
        double secs = (System.nanoTime() - t0) / 1e9;
        long gc = 0;
        for (var bean : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
          gc += bean.getCollectionTime();
        }
        System.out.printf(
            "round %d: %d tasks in %.2f s = %.0f tasks/s (submit %.2f s, gc so far %d ms, heap %d MB)%n",
            round,
            batches * size,
            secs,
            batches * size / secs,
            submitSecs,
            gc,
            (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
      }

      System.out.printf(
          "GET /healthz p50 %.3f ms; GET /v1/functions/{id} p50 %.3f ms; async invoke p50 %.3f ms%n",
          p50(() -> h.http.get("/healthz", null)),
          p50(() -> h.http.get("/v1/functions/" + fn, user)),
          p50(() -> h.http.post("/v1/functions/" + fn + "/invoke", user, args("args", args()))));
      long[] lat = new long[2000];
      for (int i = 0; i < lat.length; i++) {
        long t0 = System.nanoTime();
        Http.Reply r =
            h.http.post(
                "/v1/functions/" + fn + "/invoke", user, args("args", args("i", i), "wait", 5));
        lat[i] = System.nanoTime() - t0;
        assertThat(r.status()).isEqualTo(200);
      }
      long[] tail = Arrays.copyOfRange(lat, 500, lat.length);
      Arrays.sort(tail);
      System.out.printf(
          "sync invoke: p50 %.3f ms, p99 %.3f ms%n",
          tail[tail.length / 2] / 1e6, tail[(int) (tail.length * 0.99)] / 1e6);
    }
  }

  private static double p50(Runnable call) {
    long[] lat = new long[1500];
    for (int i = 0; i < lat.length; i++) {
      long t0 = System.nanoTime();
      call.run();
      lat[i] = System.nanoTime() - t0;
    }
    long[] tail = Arrays.copyOfRange(lat, 500, lat.length);
    Arrays.sort(tail);
    return tail[tail.length / 2] / 1e6;
  }
}
