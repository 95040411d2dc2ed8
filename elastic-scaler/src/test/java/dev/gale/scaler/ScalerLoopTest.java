package dev.gale.scaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gale.scaler.local.LocalProvider;
import dev.gale.scaler.spi.Provider;
import dev.gale.scaler.strategy.Decision;
import dev.gale.scaler.strategy.PoolSettings;
import dev.gale.scaler.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop against the real local provider (blocks are {@code sleep} processes or failing shell
 * commands), a fake queue depth and a hand-moved clock; ticks are called directly.
 */
class ScalerLoopTest {
  private static final PoolSettings SETTINGS =
      PoolSettings.builder()
          .initBlocks(0)
          .minBlocks(0)
          .maxBlocks(3)
          .slotsPerNode(2)
          .maxIdleSeconds(30)
          .build();

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final Depth depth = new Depth();
  private final List<String> drained = new CopyOnWriteArrayList<>();
  private final List<ProcessHandle> seen = new ArrayList<>();
  private LocalProvider provider;
  private ScalerLoop loop;

  @AfterEach
  void closeLoop() {
    if (loop != null) {
      loop.close();
    }
    assertThat(seen).noneMatch(ProcessHandle::isAlive);
  }

  private ScalerLoop loop(PoolSettings settings, BlockCommand command) {
    return loop(settings, provider = new LocalProvider(command, dir, Duration.ofSeconds(2)));
  }

  private ScalerLoop loop(PoolSettings settings, Provider p) {
    loop =
        ScalerLoop.builder("default", p, depth)
            .settings(settings)
            .clock(clock)
            .drainer((pool, id) -> drained.add(id))
            .build();
    return loop;
  }

  private ScalerLoop sleepers(PoolSettings settings) {
    return loop(settings, BlockCommand.of("sleep", "300"));
  }

  private Decision tickAfter(long seconds) {
    clock.advance(seconds);
    return loop.tick();
  }

  private List<String> blockIds() {
    return loop.status().blocks().stream().map(ScalerStatus.BlockInfo::id).toList();
  }

  private ProcessHandle process(String id) {
    ProcessHandle h = provider.process(id).orElseThrow().toHandle();
    seen.add(h);
    return h;
  }

  @Test
  void scalesOutOnQueueDepthUpToMaxBlocksWithoutOverSubmitting() {
    sleepers(SETTINGS);
    depth.set(20, 0, Map.of());
    Decision first = loop.tick();
    assertThat(first.start()).isEqualTo(3);
    assertThat(first.reason()).startsWith("case 1b: start 3 block(s); target 3 for 20 task(s)");
    assertThat(blockIds()).hasSize(3).allSatisfy(id -> assertThat(process(id).isAlive()).isTrue());

    Decision second = tickAfter(1);
    assertThat(second.start()).isZero();
    assertThat(second.cases()).containsExactly("1c");
    assertThat(loop.status().blocks())
        .hasSize(3)
        .allSatisfy(b -> assertThat(b.state()).isEqualTo(BlockState.RUNNING));
    assertThat(loop.status().snapshot().queued()).isEqualTo(20);
  }

  @Test
  void scalesBackToZeroAfterMaxIdleAndNeverStopsABusyBlock() {
    sleepers(SETTINGS);
    depth.set(6, 0, Map.of());
    loop.tick();
    List<String> ids = blockIds();
    ids.forEach(this::process);
    String busy = ids.get(0);
    depth.set(0, 1, Map.of(busy, 1));
    assertThat(tickAfter(1).isNoop()).isTrue();

    assertThat(tickAfter(29).cases()).containsExactly("3c");
    Decision drain = tickAfter(1);
    assertThat(drain.cases()).containsExactly("3b");
    assertThat(drained).containsExactlyInAnyOrderElementsOf(ids.subList(1, 3));
    Decision cancel = tickAfter(1);
    assertThat(cancel.cases()).containsExactly("4c");
    assertThat(cancel.cancel()).containsExactlyInAnyOrderElementsOf(ids.subList(1, 3));
    assertThat(process(ids.get(1)).isAlive()).isFalse();
    assertThat(process(ids.get(2)).isAlive()).isFalse();
    assertThat(process(busy).isAlive()).isTrue();

    depth.set(0, 0, Map.of());
    assertThat(tickAfter(1).cases()).containsExactly("3c");
    assertThat(blockIds()).containsExactly(busy);
    assertThat(tickAfter(30).drain()).containsExactly(busy);
    assertThat(tickAfter(1).cancel()).containsExactly(busy);
    assertThat(process(busy).isAlive()).isFalse();
    Decision rest = tickAfter(1);
    assertThat(rest.cases()).containsExactly("2");
    assertThat(rest.target()).isZero();
    assertThat(blockIds()).isEmpty();
  }

  /**
   * One block started for a burst and running, whose work went elsewhere while its node agent was
   * still starting: nothing queued, no worker of it connected (maxIdleSeconds 30, stableAfter 60).
   */
  private String runningBlockWithoutWorkers() {
    sleepers(SETTINGS);
    depth.set(2, 0, Map.of(), Set.of());
    loop.tick();
    String id = blockIds().get(0);
    process(id);
    depth.set(0, 0, Map.of(), Set.of());
    tickAfter(1); // running from here
    assertThat(loop.status().blocks().get(0).state()).isEqualTo(BlockState.RUNNING);
    return id;
  }

  @Test
  void aBlocksIdleClockStartsWhenItsFirstWorkerConnectsNotWhenItStartsRunning() {
    String id = runningBlockWithoutWorkers();
    assertThat(tickAfter(40).cases()).containsExactly("3c"); // 41 s running, no worker yet
    assertThat(drained).isEmpty();

    depth.set(0, 0, Map.of(), Set.of(id)); // its worker connects: idle from now on
    assertThat(tickAfter(1).cases()).containsExactly("3c");
    assertThat(tickAfter(27).cases()).containsExactly("3c");
    assertThat(tickAfter(3).drain()).containsExactly(id);
  }

  @Test
  void aBlockWhoseWorkersNeverConnectCountsAsIdleFromStableAfterOn() {
    String id = runningBlockWithoutWorkers();
    assertThat(tickAfter(60).cases()).containsExactly("3c");
    assertThat(tickAfter(28).cases()).containsExactly("3c"); // idle 28 s since stableAfter
    assertThat(tickAfter(3).drain()).containsExactly(id);
  }

  @Test
  void aFailingBlockCommandBacksOffThenMarksThePoolUnhealthyWithTheReason() {
    PoolSettings settings =
        SETTINGS.toBuilder()
            .startBackoff(Duration.ofSeconds(2))
            .maxStartBackoff(Duration.ofSeconds(60))
            .unhealthyAfterFailures(3)
            .build();
    loop(settings, new BlockCommand(List.of("sh", "-c", "echo boom >&2; exit 3"), Map.of()));
    depth.set(5, 0, Map.of());

    assertThat(loop.tick().start()).isEqualTo(3);
    awaitAllEnded();
    Decision backOff = tickAfter(1);
    assertThat(backOff.cases()).containsExactly("5a");
    assertThat(backOff.reason()).contains("back off 2 s after 1 failure(s)").contains("code 3");
    assertThat(loop.health().healthy()).isTrue();
    assertThat(tickAfter(1).cases()).containsExactly("5a");

    assertThat(tickAfter(1).cases()).containsExactly("5b");
    assertThat(blockIds()).hasSize(1);
    awaitAllEnded();
    assertThat(tickAfter(1).reason()).startsWith("case 5a: back off 4 s after 2 failure(s)");
    assertThat(tickAfter(4).start()).isEqualTo(1);
    awaitAllEnded();

    Decision unhealthy = tickAfter(1);
    assertThat(unhealthy.cases()).containsExactly("5c");
    assertThat(loop.health().healthy()).isFalse();
    assertThat(loop.health().reason())
        .matches(
            "3 consecutive attempt\\(s\\) to start blocks failed; last: block local-\\w+-5 ended"
                + " FAILED: exited with code 3.*");
    assertThat(tickAfter(3600).start()).isZero();
    assertThat(loop.status().health().healthy()).isFalse();

    loop.resetFailures();
    assertThat(loop.health().healthy()).isTrue();
    assertThat(tickAfter(1).start()).isEqualTo(3);
    awaitAllEnded();
  }

  @Test
  void aBlockThatCannotBeSubmittedCountsAsAFailureWithTheProvidersMessage() {
    loop(
        SETTINGS.toBuilder().unhealthyAfterFailures(2).build(),
        BlockCommand.of("/nonexistent/gale-agent", "--pool", "{pool}"));
    depth.set(5, 0, Map.of());
    Decision first = loop.tick();
    assertThat(first.start()).isEqualTo(3);
    assertThat(blockIds()).isEmpty();
    assertThat(tickAfter(1).reason())
        .containsPattern("submit failed: cannot start block local-\\w+-1");
    Decision probe = tickAfter(2);
    assertThat(probe.cases()).containsExactly("5b");
    assertThat(tickAfter(1).cases()).containsExactly("5c");
    assertThat(loop.health().reason()).contains("/nonexistent/gale-agent");
  }

  @Test
  void drainsABlockBeforeItsWalltimeAndReplacesItWhileItStillWorks() {
    sleepers(
        SETTINGS.toBuilder()
            .maxBlocks(2)
            .slotsPerNode(1)
            .walltime(Duration.ofSeconds(120))
            .drainSeconds(30)
            .build());
    depth.set(1, 0, Map.of());
    loop.tick();
    String old = blockIds().get(0);
    process(old);
    depth.set(0, 1, Map.of(old, 1));
    assertThat(tickAfter(1).cases()).containsExactly("2");

    // the walltime counts from the tick that first saw the block running (t=1): drain at t=91
    assertThat(tickAfter(89).cases()).containsExactly("2");
    Decision d = tickAfter(1);
    assertThat(d.cases()).containsExactly("4a", "4b");
    assertThat(drained).containsExactly(old);
    List<String> ids = blockIds();
    assertThat(ids).hasSize(2);
    String replacement = ids.get(1);
    process(replacement);

    depth.set(0, 0, Map.of());
    Decision after = tickAfter(1);
    assertThat(after.cancel()).containsExactly(old);
    assertThat(process(old).isAlive()).isFalse();
    assertThat(process(replacement).isAlive()).isTrue();
  }

  @Test
  void closeCancelsEveryBlockAndRefusesFurtherTicks() {
    sleepers(SETTINGS);
    depth.set(4, 0, Map.of());
    loop.tick();
    List<ProcessHandle> procs = blockIds().stream().map(this::process).toList();
    assertThat(procs).hasSize(2).allMatch(ProcessHandle::isAlive);
    loop.close();
    assertThat(procs).noneMatch(ProcessHandle::isAlive);
    assertThat(loop.status().blocks()).isEmpty();
    assertThatThrownBy(loop::tick).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theProviderKeepsABlockReadyWhileThePoolMayStartOneAndDropsItWhenTheLoopStops() {
    Flaky p = new Flaky(new LocalProvider(BlockCommand.of("sleep", "300"), dir, Duration.ZERO));
    provider = (LocalProvider) p.delegate;
    loop(SETTINGS, p);
    loop.tick();
    assertThat(p.readyCalls).containsExactly(BlockRequest.of("default", 2));
    assertThat(p.drops).isZero();

    loop.updateSettings(PoolSettings.builder().initBlocks(0).minBlocks(0).maxBlocks(0).build());
    tickAfter(1);
    assertThat(p.readyCalls).hasSize(1);
    assertThat(p.drops).isEqualTo(1); // a pool that may start no block keeps nothing ready

    loop.updateSettings(SETTINGS);
    tickAfter(1);
    assertThat(p.readyCalls).hasSize(2);

    depth.set(20, 0, Map.of()); // grows to maxBlocks (3): nothing more to keep ready
    assertThat(tickAfter(1).start()).isEqualTo(3);
    assertThat(p.readyCalls).hasSize(2);
    assertThat(p.drops).isEqualTo(2);

    loop.stop();
    assertThat(p.drops).isEqualTo(3);
    depth.set(0, 0, Map.of());
    tickAfter(1); // a tick by hand after stop() keeps nothing ready either
    assertThat(p.readyCalls).hasSize(2);
    blockIds().forEach(this::process);
  }

  @Test
  void whenTheProviderCannotBeQueriedTheLoopChangesNothingAndSaysUnhealthy() {
    Flaky flaky = new Flaky(new LocalProvider(BlockCommand.of("sleep", "300"), dir, Duration.ZERO));
    provider = (LocalProvider) flaky.delegate;
    loop(SETTINGS, flaky);
    depth.set(2, 0, Map.of());
    loop.tick();
    process(blockIds().get(0));
    flaky.failing = true;
    depth.set(100, 0, Map.of());
    Decision d = tickAfter(1);
    assertThat(d.isNoop()).isTrue();
    assertThat(d.reason())
        .isEqualTo("case 6a: cannot read block status: squeue timed out; no action");
    assertThat(loop.health().reason()).isEqualTo("cannot read block status: squeue timed out");
    flaky.failing = false;
    assertThat(tickAfter(1).start()).isEqualTo(2);
    assertThat(loop.health().healthy()).isTrue();
    blockIds().forEach(this::process);
  }

  @Test
  void whenTheQueueDepthCannotBeReadTheLoopChangesNothingAndSaysUnhealthy() {
    sleepers(SETTINGS);
    depth.failing = true;
    Decision d = loop.tick();
    assertThat(d.cases()).containsExactly("6b");
    assertThat(loop.health().reason()).isEqualTo("cannot read queue depth: scheduler not ready");
    assertThat(blockIds()).isEmpty();
  }

  @Test
  void aLoweredMaxBlocksAppliesAtTheNextTick() {
    sleepers(SETTINGS);
    depth.set(6, 0, Map.of());
    loop.tick();
    blockIds().forEach(this::process);
    loop.updateSettings(SETTINGS.toBuilder().maxBlocks(1).build());
    Decision d = tickAfter(1);
    assertThat(d.cases()).containsExactly("3d");
    assertThat(d.drain()).hasSize(2);
    assertThat(tickAfter(1).cancel()).hasSize(2);
    assertThat(loop.status().blocks()).filteredOn(ScalerStatus.BlockInfo::stopping).hasSize(2);
    tickAfter(1);
    assertThat(blockIds()).hasSize(1);
  }

  @Test
  void theFirstDecisionStartsInitBlocks() {
    sleepers(SETTINGS.toBuilder().initBlocks(2).build());
    Decision d = loop.tick();
    assertThat(d.cases()).containsExactly("0");
    blockIds().forEach(this::process);
    assertThat(tickAfter(1).cases()).containsExactly("3c");
  }

  @Test
  void aPoolWithoutBlocksReactsToQueuedWorkWithoutWaitingForTheNextTick() throws Exception {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    try {
      provider = new LocalProvider(BlockCommand.of("sleep", "300"), dir, Duration.ZERO);
      loop =
          ScalerLoop.builder("default", provider, depth)
              .settings(PoolSettings.builder().minBlocks(0).initBlocks(0).maxBlocks(2).build())
              .clock(clock)
              .executor(executor)
              .interval(Duration.ofHours(1))
              .build();
      loop.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> depth.reads >= 1); // the first tick
      assertThat(blockIds()).isEmpty();
      depth.set(1, 0, Map.of());
      await().atMost(Duration.ofSeconds(10)).until(() -> !blockIds().isEmpty());
      blockIds().forEach(this::process);
      loop.stop();
    } finally {
      executor.shutdownNow();
      executor.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void startTicksOnTheExecutorUntilStopped() throws Exception {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    try {
      provider = new LocalProvider(BlockCommand.of("sleep", "300"), dir, Duration.ZERO);
      loop =
          ScalerLoop.builder("default", provider, depth)
              .settings(SETTINGS)
              .clock(clock)
              .executor(executor)
              .interval(Duration.ofMillis(20))
              .build();
      depth.set(1, 0, Map.of());
      loop.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> depth.reads >= 3);
      loop.stop();
      int reads = depth.reads;
      blockIds().forEach(this::process);
      assertThat(blockIds()).hasSize(1);
      Thread.sleep(100);
      assertThat(depth.reads).isEqualTo(reads);
      assertThat(executor.isShutdown()).as("an injected executor is left alone").isFalse();
      assertThatThrownBy(loop::start).isInstanceOf(IllegalStateException.class);
    } finally {
      executor.shutdownNow();
      executor.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aLoopAdoptsTheBlocksAnEarlierLoopLeftAndStartsNoneOfItsOwn() {
    sleepers(SETTINGS);
    depth.set(4, 0, Map.of());
    loop.tick();
    List<String> ids = blockIds();
    ids.forEach(this::process);
    assertThat(loop.status().blocks())
        .hasSize(2)
        .allSatisfy(
            b ->
                assertThat(b.jobId())
                    .isEqualTo(Long.toString(provider.handle(b.id()).orElseThrow().pid())));
    loop.stop();
    List<BlockRecord> records = loop.records();
    assertThat(records).extracting(BlockRecord::id).containsExactlyElementsOf(ids);

    LocalProvider successor =
        new LocalProvider(BlockCommand.of("sleep", "300"), dir, Duration.ZERO);
    List<ScalerStatus> published = new CopyOnWriteArrayList<>();
    loop =
        ScalerLoop.builder("default", successor, depth)
            .settings(SETTINGS)
            .clock(clock)
            .adopt(records)
            .firstDecision(false)
            .listener(published::add)
            .build();
    Decision d = tickAfter(1);
    assertThat(d.start()).isZero();
    assertThat(blockIds()).containsExactlyElementsOf(ids);
    assertThat(published).hasSize(1);
    assertThat(published.get(0).blocks())
        .allSatisfy(b -> assertThat(b.state()).isEqualTo(BlockState.RUNNING));
    loop.close();
    assertThat(ids).allSatisfy(id -> assertThat(process(id).isAlive()).isFalse());
  }

  @Test
  void aBlockThatWasBeingStoppedIsCancelledAgainByTheLoopThatAdoptsIt() {
    sleepers(SETTINGS);
    depth.set(1, 0, Map.of());
    loop.tick();
    String id = blockIds().get(0);
    ProcessHandle p = process(id);
    loop.stop();
    BlockRecord r = loop.records().get(0);
    BlockRecord stopping =
        new BlockRecord(
            r.id(), r.jobId(), r.state(), r.since(), r.submittedAt(), null, false, true, true);
    loop =
        ScalerLoop.builder(
                "default",
                new LocalProvider(BlockCommand.of("sleep", "300"), dir, Duration.ZERO),
                depth)
            .settings(SETTINGS)
            .clock(clock)
            .adopt(List.of(stopping))
            .build();
    depth.set(0, 0, Map.of());
    loop.tick();
    assertThat(p.isAlive()).isFalse();
  }

  @Test
  void aGuardThatSaysNoMakesATickDoNothing() {
    List<ScalerStatus> published = new CopyOnWriteArrayList<>();
    boolean[] allowed = {false};
    provider = new LocalProvider(BlockCommand.of("sleep", "300"), dir, Duration.ZERO);
    loop =
        ScalerLoop.builder("default", provider, depth)
            .settings(SETTINGS)
            .clock(clock)
            .guard(() -> allowed[0])
            .listener(published::add)
            .build();
    depth.set(10, 0, Map.of());
    Decision d = loop.tick();
    assertThat(d.cases()).containsExactly("6c");
    assertThat(d.isNoop()).isTrue();
    assertThat(depth.reads).isZero();
    assertThat(published).isEmpty();
    assertThat(blockIds()).isEmpty();
    allowed[0] = true;
    assertThat(tickAfter(1).start()).isEqualTo(3);
    assertThat(published).hasSize(1);
    blockIds().forEach(this::process);
  }

  /** Waits until every block the loop tracks has exited. */
  private void awaitAllEnded() {
    List<ProcessHandle> procs = blockIds().stream().map(this::process).toList();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> procs.stream().noneMatch(ProcessHandle::isAlive));
  }

  /** A queue depth set by the test. */
  static final class Depth implements QueueDepthSource {
    private volatile QueueDepth depth = QueueDepth.idle();
    volatile boolean failing;
    volatile int reads;

    void set(long queued, long running, Map<String, Integer> byBlock) {
      depth = new QueueDepth(queued, running, byBlock);
    }

    void set(long queued, long running, Map<String, Integer> byBlock, Set<String> connected) {
      depth = new QueueDepth(queued, running, byBlock, connected);
    }

    @Override
    public QueueDepth depth(String pool) {
      reads++;
      if (failing) {
        throw new IllegalStateException("scheduler not ready");
      }
      return depth;
    }
  }

  /** A provider whose status calls fail while {@code failing} is set. */
  static final class Flaky implements Provider {
    final Provider delegate;
    volatile boolean failing;

    Flaky(Provider delegate) {
      this.delegate = delegate;
    }

    @Override
    public String key() {
      return delegate.key();
    }

    @Override
    public String submit(BlockRequest request) {
      return delegate.submit(request);
    }

    @Override
    public Map<String, BlockStatus> status(Collection<String> ids) {
      if (failing) {
        throw new ProviderException("squeue timed out", true, null);
      }
      return delegate.status(ids);
    }

    @Override
    public void cancel(Collection<String> ids) {
      delegate.cancel(ids);
    }

    final List<BlockRequest> readyCalls = new CopyOnWriteArrayList<>();
    volatile int drops;

    @Override
    public void keepReady(BlockRequest request) {
      readyCalls.add(request);
    }

    @Override
    public void dropReady() {
      drops++;
    }
  }
}
