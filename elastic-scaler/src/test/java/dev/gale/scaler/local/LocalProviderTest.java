package dev.gale.scaler.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.BlockRecord;
import dev.gale.scaler.BlockRequest;
import dev.gale.scaler.BlockState;
import dev.gale.scaler.ProviderException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProviderTest {
  private static final BlockRequest REQ = BlockRequest.of("default", 3);

  @TempDir Path dir;
  private LocalProvider provider;
  private final List<String> submitted = new java.util.ArrayList<>();

  private String submit() {
    String id = provider.submit(REQ);
    submitted.add(id);
    return id;
  }

  @AfterEach
  void stopEverything() {
    if (provider != null) {
      provider.cancel(submitted);
    }
  }

  private LocalProvider provider(Duration grace, String script, Map<String, String> env) {
    provider =
        new LocalProvider(
            new BlockCommand(List.of("sh", "-c", script, "block"), env),
            dir.resolve("logs"),
            grace);
    return provider;
  }

  private BlockState state(String id) {
    return provider.status(List.of(id)).get(id).state();
  }

  @Test
  void runsTheCommandWithPlaceholdersAndEnvThenReportsCompleted() throws Exception {
    provider(
        Duration.ofSeconds(5),
        "echo \"hello {block} {pool} {slots} $GREETING\"; sleep 0.5",
        Map.of("GREETING", "hi-{block}"));
    String id = submit();
    assertThat(id).matches("local-[a-z0-9]+-1");
    assertThat(state(id)).isEqualTo(BlockState.RUNNING);
    await().atMost(Duration.ofSeconds(10)).until(() -> state(id) == BlockState.COMPLETED);
    assertThat(Files.readString(provider.logFile(id)))
        .contains("--- block " + id + " of pool default")
        .contains("hello " + id + " default 3 hi-" + id);
  }

  @Test
  void reportsANonZeroExitAsFailedWithTheExitCode() {
    provider(Duration.ofSeconds(5), "exit 3", Map.of());
    String id = submit();
    await().atMost(Duration.ofSeconds(10)).until(() -> state(id) == BlockState.FAILED);
    assertThat(provider.status(List.of(id)).get(id).message()).contains("exited with code 3");
  }

  @Test
  void cancelStopsABlockGracefullyWithSigterm() throws Exception {
    provider(
        Duration.ofSeconds(20),
        "trap 'echo got-term; exit 0' TERM; echo ready; while :; do sleep 0.05; done",
        Map.of());
    String id = submit();
    await().until(() -> Files.readString(provider.logFile(id)).contains("ready"));
    long t0 = System.nanoTime();
    provider.cancel(List.of(id));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    assertThat(state(id)).isEqualTo(BlockState.CANCELLED);
    assertThat(Files.readString(provider.logFile(id))).contains("got-term");
  }

  @Test
  void cancelKillsTheWholeProcessTreeAfterTheGracePeriod() {
    provider(Duration.ofMillis(500), "trap '' TERM; sleep 300 & sleep 300 & wait", Map.of());
    String id = submit();
    ProcessHandle root = provider.process(id).orElseThrow().toHandle();
    await().until(() -> root.descendants().count() == 2);
    Set<ProcessHandle> tree = ProcessTree.snapshot(root);
    long t0 = System.nanoTime();
    provider.cancel(List.of(id));
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThanOrEqualTo(Duration.ofMillis(450));
    assertThat(tree).hasSize(3).noneMatch(ProcessHandle::isAlive);
    assertThat(state(id)).isEqualTo(BlockState.CANCELLED);
  }

  @Test
  void killsWhatABlockLeftBehindWhenItsRootExits() {
    provider(Duration.ofSeconds(5), "sleep 300 & sleep 1; exit 4", Map.of());
    String id = submit();
    ProcessHandle root = provider.process(id).orElseThrow().toHandle();
    // a status poll while the child exists records the tree
    await().until(() -> root.descendants().count() == 2 && state(id) == BlockState.RUNNING);
    List<ProcessHandle> children = root.descendants().toList();
    await().atMost(Duration.ofSeconds(10)).until(() -> state(id) == BlockState.FAILED);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
  }

  @Test
  void anotherInstanceAdoptsABlockByItsPidAndStopsIt() {
    provider(Duration.ofSeconds(5), "sleep 300", Map.of());
    String id = submit();
    ProcessHandle h = provider.handle(id).orElseThrow();
    String pid = provider.jobId(id).orElseThrow();
    assertThat(pid).isEqualTo(Long.toString(h.pid()));

    LocalProvider other = new LocalProvider(BlockCommand.of("true"), dir, Duration.ofSeconds(5));
    Instant now = Instant.now();
    assertThat(other.adopt(record(id, pid, now))).isTrue();
    assertThat(other.jobId(id)).contains(pid);
    assertThat(other.status(List.of(id)).get(id).state()).isEqualTo(BlockState.RUNNING);
    other.cancel(List.of(id));
    assertThat(h.isAlive()).isFalse();
    assertThat(other.status(List.of(id)).get(id).state()).isEqualTo(BlockState.CANCELLED);
  }

  @Test
  void refusesToAdoptAPidOfAYoungerProcessAGoneOneOrNoPid() {
    provider(Duration.ofSeconds(5), "sleep 300", Map.of());
    String id = submit();
    String pid = provider.jobId(id).orElseThrow();
    LocalProvider other = new LocalProvider(BlockCommand.of("true"), dir, Duration.ZERO);
    Instant longAgo = Instant.now().minus(Duration.ofHours(1));
    assertThat(other.adopt(record(id, pid, longAgo))).as("pid recycled since").isFalse();
    assertThat(other.adopt(record("local-x-9", "2147483646", Instant.now()))).isFalse();
    assertThat(other.adopt(record("local-x-8", null, Instant.now()))).isFalse();
    assertThat(other.status(List.of(id)).get(id).state()).isEqualTo(BlockState.MISSING);
  }

  @Test
  void twoInstancesNeverHandOutTheSameBlockId() {
    provider(Duration.ofSeconds(5), "exit 0", Map.of());
    String a = submit();
    LocalProvider first = provider;
    provider(Duration.ofSeconds(5), "exit 0", Map.of());
    String b = submit();
    assertThat(a).isNotEqualTo(b);
    first.cancel(List.of(a));
  }

  private static BlockRecord record(String id, String pid, Instant submitted) {
    return new BlockRecord(
        id, pid, BlockState.RUNNING, submitted, submitted, submitted, true, false, false);
  }

  @Test
  void aCommandThatCannotStartFailsWithTheCommandInTheDetails() {
    provider =
        new LocalProvider(
            BlockCommand.of("/nonexistent/gale-agent", "--pool", "{pool}"), dir, Duration.ZERO);
    assertThatThrownBy(() -> provider.submit(REQ))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.code()).isEqualTo("provider_failed");
              assertThat(e.details().path("command").toString())
                  .isEqualTo("[\"/nonexistent/gale-agent\",\"--pool\",\"default\"]");
              assertThat(e.details().path("stderr").asText()).isNotEmpty();
            });
  }
}
