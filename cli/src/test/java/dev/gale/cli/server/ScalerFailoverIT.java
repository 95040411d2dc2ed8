package dev.gale.cli.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.service.LeaseSource;
import dev.gale.scaler.service.ScalerService;
import dev.gale.scheduler.Scheduler;
import dev.gale.scheduler.SchedulerOptions;
import dev.gale.scheduler.Schedulers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two scaler services on one embedded scheduler member, with the real leases, status map and local
 * provider (blocks are {@code sleep} processes): one runs the pool; when it can no longer renew its
 * lease the other takes the pool over and adopts its blocks instead of starting new ones.
 */
class ScalerFailoverIT {
  private static final String POOL = "fo";

  @TempDir Path dir;
  private Scheduler scheduler;
  private final List<ScalerService> services = new ArrayList<>();
  private final List<ProcessHandle> blocks = new ArrayList<>();

  @BeforeEach
  void startScheduler() {
    scheduler = Schedulers.member(SchedulerOptions.forTests());
  }

  @AfterEach
  void stopAll() {
    services.forEach(ScalerService::scaleInAndClose);
    blocks.forEach(ProcessHandle::destroyForcibly);
    scheduler.close();
  }

  /** The scheduler's leases, which can be cut off as if the scaler lost the cluster. */
  static final class CuttableLeases implements LeaseSource {
    private final LeaseSource real;
    volatile boolean cut;

    CuttableLeases(LeaseSource real) {
      this.real = real;
    }

    @Override
    public OptionalLong tryLease(String name, String holder, Duration ttl) {
      if (cut) {
        throw new IllegalStateException("scheduler cluster unreachable");
      }
      return real.tryLease(name, holder, ttl);
    }

    @Override
    public void release(String name, String holder, long fence) {
      if (!cut) {
        real.release(name, holder, fence);
      }
    }
  }

  private ScalerService service(String holder, LeaseSource leases) {
    SchedulerBridge bridge = new SchedulerBridge(scheduler);
    ScalerService s =
        ScalerService.builder()
            .settings(bridge)
            .leases(leases)
            .statusStore(bridge)
            .depth(bridge)
            .commands(spec -> BlockCommand.of("sleep", "300"))
            .workDir(dir)
            .holder(holder)
            .leaseTtl(Duration.ofSeconds(3))
            .pollInterval(Duration.ofMillis(200))
            .tickInterval(Duration.ofMillis(200))
            .build();
    services.add(s);
    return s;
  }

  private JsonNode status() {
    return scheduler.poolStatuses().getOrDefault(POOL, Json.object());
  }

  private List<String> field(String name) {
    List<String> out = new ArrayList<>();
    status().path("blocks").forEach(b -> out.add(b.path(name).asText()));
    return out;
  }

  private long logFiles() throws IOException {
    Path logs = dir.resolve("logs");
    if (!Files.isDirectory(logs)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(logs)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".log")).count();
    }
  }

  @Test
  void whenOneScalerCannotRenewItsLeaseTheOtherAdoptsItsBlocksWithoutStartingNewOnes()
      throws Exception {
    scheduler.putPool(
        POOL,
        Json.readTree(
            "{\"provider\":\"local\",\"minBlocks\":2,\"initBlocks\":2,\"maxBlocks\":2,"
                + "\"options\":{\"gracePeriodSeconds\":1}}"));
    SchedulerBridge bridge = new SchedulerBridge(scheduler);
    CuttableLeases aLeases = new CuttableLeases(bridge);
    ScalerService a = service("scaler-a", aLeases);
    a.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                status().path("holder").asText().equals("scaler-a")
                    && field("state").equals(List.of("RUNNING", "RUNNING")));
    ScalerService b = service("scaler-b", bridge);
    b.start();
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> b.leading().isEmpty() && a.leading().contains(POOL));

    List<String> ids = field("id");
    List<String> pids = field("jobId");
    pids.forEach(p -> blocks.add(ProcessHandle.of(Long.parseLong(p)).orElseThrow()));
    long fenceA = status().path("fence").asLong();
    assertThat(logFiles()).isEqualTo(2);

    aLeases.cut = true;
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                status().path("holder").asText().equals("scaler-b")
                    && status().has("decision")
                    && field("state").equals(List.of("RUNNING", "RUNNING")));
    assertThat(status().path("fence").asLong()).isGreaterThan(fenceA);
    assertThat(a.leading()).isEmpty();
    assertThat(a.loopStatus(POOL)).isEmpty();
    assertThat(b.leading()).containsExactly(POOL);
    assertThat(field("id")).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(field("jobId")).containsExactlyInAnyOrderElementsOf(pids);
    assertThat(blocks).allMatch(ProcessHandle::isAlive);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> logFiles() == 2 && field("id").size() == 2);

    b.scaleInAndClose();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> blocks.stream().noneMatch(ProcessHandle::isAlive));
    assertThat(field("id")).isEmpty();
  }
}
