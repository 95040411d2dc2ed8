package dev.gale.scaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gale.scaler.local.LocalProvider;
import dev.gale.scaler.spi.Provider;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FixedBlocksTest {
  private static final FixedBlocks.Options FAST =
      new FixedBlocks.Options(
          Duration.ofMillis(100),
          Duration.ofMillis(100),
          Duration.ofMillis(400),
          Duration.ofSeconds(60));

  @TempDir Path dir;

  /** Every process ever seen in the provider's blocks. */
  private static Set<ProcessHandle> trees(
      LocalProvider p, Collection<String> ids, Set<ProcessHandle> into) {
    for (String id : ids) {
      p.process(id)
          .ifPresent(
              proc -> {
                into.add(proc.toHandle());
                proc.toHandle().descendants().forEach(into::add);
              });
    }
    return into;
  }

  private static long running(FixedBlocks b) {
    return b.blocks().values().stream().filter(s -> s.state() == BlockState.RUNNING).count();
  }

  @Test
  void replacesAKilledBlockAndLeavesNoProcessAliveOnClose() {
    LocalProvider provider =
        new LocalProvider(
            new BlockCommand(List.of("sh", "-c", "sleep 300 & wait"), Map.of()),
            dir,
            Duration.ofSeconds(2));
    Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
    FixedBlocks blocks = new FixedBlocks(provider, BlockRequest.of("default", 1), 2, FAST);
    try {
      blocks.start();
      await().until(() -> running(blocks) == 2);
      List<String> first = new ArrayList<>(blocks.blocks().keySet());
      trees(provider, first, seen);
      provider.process(first.get(0)).orElseThrow().destroyForcibly();

      await().until(() -> blocks.restarts() == 1 && running(blocks) == 2);
      assertThat(blocks.blocks()).doesNotContainKey(first.get(0)).containsKey(first.get(1));
      await().until(() -> trees(provider, blocks.blocks().keySet(), seen).size() >= 6);
    } finally {
      blocks.close();
    }
    assertThat(seen).hasSizeGreaterThanOrEqualTo(5).noneMatch(ProcessHandle::isAlive);
    assertThat(blocks.blocks()).isEmpty();
  }

  @Test
  void backsOffMoreAfterEachEarlyDeath() {
    FailingProvider provider = new FailingProvider();
    FixedBlocks blocks =
        new FixedBlocks(
            provider,
            BlockRequest.of("default", 1),
            1,
            new FixedBlocks.Options(
                Duration.ofMillis(20),
                Duration.ofMillis(100),
                Duration.ofMillis(400),
                Duration.ofHours(1)));
    blocks.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> provider.submits.size() >= 5);
    blocks.close();
    List<Instant> t = new ArrayList<>(provider.submits);
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < 5; i++) {
      gaps.add(Duration.between(t.get(i - 1), t.get(i)).toMillis());
    }
    assertThat(gaps.get(0)).isGreaterThanOrEqualTo(95);
    assertThat(gaps.get(1)).isGreaterThanOrEqualTo(195);
    assertThat(gaps.get(2)).isGreaterThanOrEqualTo(395);
    assertThat(gaps.get(3)).isGreaterThanOrEqualTo(395).isLessThan(2_000);
    assertThat(blocks.restarts()).isGreaterThanOrEqualTo(4);
  }

  @Test
  void stopRestartingLetsBlocksEndWithoutReplacement() {
    FailingProvider provider = new FailingProvider();
    FixedBlocks blocks = new FixedBlocks(provider, BlockRequest.of("default", 1), 1, FAST);
    blocks.stopRestarting();
    blocks.start();
    await().pollDelay(Duration.ofMillis(500)).until(() -> true);
    blocks.close();
    assertThat(provider.submits).isEmpty();
  }

  /** Blocks that are dead as soon as they are submitted. */
  private static final class FailingProvider implements Provider {
    final List<Instant> submits = Collections.synchronizedList(new ArrayList<>());
    private int n;

    @Override
    public String key() {
      return "failing";
    }

    @Override
    public synchronized String submit(BlockRequest request) {
      submits.add(Instant.now());
      return "b" + (++n);
    }

    @Override
    public Map<String, BlockStatus> status(Collection<String> ids) {
      Map<String, BlockStatus> m = new HashMap<>();
      ids.forEach(id -> m.put(id, new BlockStatus(BlockState.FAILED, "exit 1", Instant.now())));
      return m;
    }

    @Override
    public void cancel(Collection<String> ids) {}
  }
}
