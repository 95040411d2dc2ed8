package dev.gale.scaler.strategy;

import static dev.gale.scaler.strategy.Snapshots.aPendingBlock;
import static dev.gale.scaler.strategy.Snapshots.aPool;
import static dev.gale.scaler.strategy.Snapshots.aRunningBlock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.gale.scaler.strategy.Snapshots.SnapshotBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every branch of {@link QueueDepthStrategy}, one row each. */
class QueueDepthStrategyTest {
  private final QueueDepthStrategy strategy = new QueueDepthStrategy();

  static Stream<Arguments> branches() {
    return Stream.of(
        row(
            "case 0: the first decision starts initBlocks without work",
            aPool().settings(s -> s.initBlocks(2)).firstDecision(),
            expect().start(2).cases("0")),
        row(
            "initBlocks applies to the first decision only",
            aPool().settings(s -> s.initBlocks(2)),
            expect().cases("2")),
        row(
            "case 1b: the first decision scales out further when demand needs more than initBlocks",
            aPool().settings(s -> s.initBlocks(2)).firstDecision().queued(20),
            expect().start(5).cases("1b")),
        row(
            "case 1a: starts blocks to keep minBlocks without work",
            aPool().settings(s -> s.minBlocks(2)),
            expect().start(2).cases("1a")),
        row(
            "case 1b: scales out for queued tasks, rounding up to whole blocks",
            aPool().queued(10),
            expect().start(3).cases("1b")),
        row(
            "case 1b: counts running tasks as demand",
            aPool().queued(2).with(aRunningBlock("b1").tasks(4)),
            expect().start(1).cases("1b")),
        row(
            "case 2: counts pending blocks as capacity, so nothing is over-submitted",
            aPool()
                .queued(10)
                .with(
                    aPendingBlock("p1").submittedAgo(5),
                    aPendingBlock("p2").submittedAgo(5),
                    aPendingBlock("p3").submittedAgo(5)),
            expect().cases("2")),
        row(
            "case 1b: parallelism 0.5 asks for a slot per two tasks",
            aPool().settings(s -> s.parallelism(0.5)).queued(16),
            expect().start(2).cases("1b")),
        row(
            "case 1b: parallelism 0 still keeps one block while there is work",
            aPool().settings(s -> s.parallelism(0)).queued(5),
            expect().start(1).cases("1b")),
        row(
            "case 1b: a block of several nodes brings the slots of all of them",
            aPool().settings(s -> s.nodesPerBlock(2)).queued(17),
            expect().start(3).cases("1b")),
        row(
            "case 1b: parallelism arithmetic does not round to a block too many",
            aPool().settings(s -> s.parallelism(0.3).slotsPerNode(3)).queued(10),
            expect().start(1).cases("1b")),
        row(
            "case 1b: the start is capped by maxBlocks",
            aPool().settings(s -> s.maxBlocks(2)).queued(100),
            expect().start(2).cases("1b")),
        row(
            "case 1c: starts nothing beyond maxBlocks",
            aPool()
                .settings(s -> s.maxBlocks(2))
                .queued(100)
                .with(aRunningBlock("b1").tasks(4), aRunningBlock("b2").tasks(4)),
            expect().cases("1c")),
        row(
            "case 1c: blocks being stopped count against maxBlocks",
            aPool()
                .settings(s -> s.maxBlocks(2))
                .queued(100)
                .stopping(1)
                .with(aRunningBlock("b1").tasks(4)),
            expect().cases("1c")),
        row(
            "case 1c: draining blocks count against maxBlocks",
            aPool()
                .settings(s -> s.maxBlocks(2))
                .queued(100)
                .with(aRunningBlock("b1").tasks(4), aRunningBlock("b2").tasks(4).draining()),
            expect().cases("1c")),
        row(
            "case 2: steady when the blocks match the demand",
            aPool().with(aRunningBlock("b1").tasks(4), aRunningBlock("b2").tasks(4)),
            expect().cases("2")),
        row(
            "case 3a: cancels a pending block that waited maxIdle beyond the target",
            aPool().with(aPendingBlock("p1").submittedAgo(120)),
            expect().cancel("p1").cases("3a")),
        row(
            "case 3c: keeps a pending block submitted less than maxIdle ago",
            aPool().with(aPendingBlock("p1").submittedAgo(30)),
            expect().cases("3c")),
        row(
            "case 3b: drains several idle blocks at once, longest idle first, down to minBlocks",
            aPool()
                .settings(s -> s.minBlocks(1))
                .with(
                    aRunningBlock("b1").idleFor(100),
                    aRunningBlock("b2").idleFor(300),
                    aRunningBlock("b3").idleFor(200)),
            expect().drain("b2", "b3").cases("3b")),
        row(
            "case 3b: scales to zero when minBlocks is 0",
            aPool().with(aRunningBlock("b1").idleFor(61)),
            expect().drain("b1").cases("3b")),
        row(
            "case 3c: keeps a block idle for less than maxIdle",
            aPool().with(aRunningBlock("b1").idleFor(59)),
            expect().cases("3c")),
        row(
            "case 3c: never drains or cancels a busy block beyond the target",
            aPool().with(aRunningBlock("b1").tasks(1), aRunningBlock("b2").tasks(1)),
            expect().cases("3c")),
        row(
            "case 3a: scales in pending blocks before running ones",
            aPool()
                .settings(s -> s.minBlocks(1))
                .with(aRunningBlock("b1").idleFor(300), aPendingBlock("p1").submittedAgo(120)),
            expect().cancel("p1").cases("3a")),
        row(
            "case 3d: drains the least busy blocks above a lowered maxBlocks at once",
            aPool()
                .settings(s -> s.maxBlocks(1))
                .queued(100)
                .with(
                    aRunningBlock("b1").tasks(4),
                    aRunningBlock("b2").tasks(1),
                    aRunningBlock("b3").tasks(2)),
            expect().drain("b2", "b3").cases("3d")),
        row(
            "case 3d: cancels pending blocks above a lowered maxBlocks first",
            aPool()
                .settings(s -> s.maxBlocks(1))
                .queued(100)
                .with(aRunningBlock("b1").tasks(4), aPendingBlock("p1").submittedAgo(5)),
            expect().cancel("p1").cases("3d")),
        row(
            "case 4a: drains an idle block drainSeconds before its walltime end",
            aPool().with(aRunningBlock("b1").tasks(0).walltimeEndsIn(60)),
            expect().drain("b1").cases("4a")),
        row(
            "case 4b: replaces a busy block drained before its walltime while it still works",
            aPool().with(aRunningBlock("b1").tasks(2).walltimeEndsIn(60)),
            expect().drain("b1").start(1).cases("4a", "4b")),
        row(
            "case 4a: leaves a block alone until drainSeconds before its walltime end",
            aPool().with(aRunningBlock("b1").tasks(2).walltimeEndsIn(61)),
            expect().cases("2")),
        row(
            "case 4b: replaces a block drained before its walltime, and more if work is queued",
            aPool().queued(6).with(aRunningBlock("b1").tasks(4).walltimeEndsIn(30)),
            expect().drain("b1").start(3).cases("4a", "4b")),
        row(
            "case 4c: cancels a drained block once its tasks have ended",
            aPool().with(aRunningBlock("b1").tasks(0).draining()),
            expect().cancel("b1").cases("4c")),
        row(
            "case 4c: cancels a drained block that is still pending",
            aPool().with(aPendingBlock("p1").submittedAgo(1).draining()),
            expect().cancel("p1").cases("4c")),
        row(
            "a draining block keeps running until its tasks have ended",
            aPool().with(aRunningBlock("b1").tasks(2).draining(), aRunningBlock("b2").tasks(0)),
            expect().cases("2")),
        row(
            "case 5a: backs off after a failed attempt to start",
            aPool().queued(10).failures(1, 1),
            expect().cases("5a")),
        row(
            "case 5b: probes with a single block once the back-off has passed",
            aPool().queued(10).failures(1, 2),
            expect().start(1).cases("5b")),
        row(
            "case 5a: the back-off doubles with each failed attempt",
            aPool().queued(10).failures(3, 7),
            expect().cases("5a")),
        row(
            "case 5b: probes again after the doubled back-off",
            aPool().queued(10).failures(3, 8),
            expect().start(1).cases("5b")),
        row(
            "case 5b: waits for the probe in flight before starting more",
            aPool().queued(10).failures(2, 10).with(aPendingBlock("p1").submittedAgo(5)),
            expect().cases("5b")),
        row(
            "case 5c: starts nothing once too many attempts failed, and says unhealthy",
            aPool().queued(10).failures(5, 3600),
            expect().cases("5c").unhealthy()),
        row(
            "case 3b: an unhealthy pool still scales in",
            aPool().failures(5, 3600).with(aRunningBlock("b1").idleFor(120)),
            expect().drain("b1").cases("3b").unhealthy()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("branches")
  void decides(String behaviour, SnapshotBuilder snapshot, Expect expected) {
    Decision d = strategy.decide(snapshot.build());
    assertThat(d.cases()).as("cases; reason: %s", d.reason()).isEqualTo(expected.cases);
    assertThat(d.start()).as("start; reason: %s", d.reason()).isEqualTo(expected.start);
    assertThat(d.drain()).as("drain; reason: %s", d.reason()).isEqualTo(expected.drain);
    assertThat(d.cancel()).as("cancel; reason: %s", d.reason()).isEqualTo(expected.cancel);
    assertThat(d.health().healthy()).isEqualTo(expected.healthy);
    for (String label : expected.cases) {
      assertThat(d.reason()).contains("case " + label + ": ");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("branches")
  void neverCancelsABusyBlockNorNamesAnUnknownOneNorExceedsMaxBlocks(
      String behaviour, SnapshotBuilder snapshot, Expect expected) {
    PoolSnapshot s = snapshot.build();
    Decision d = strategy.decide(s);
    Map<String, PoolSnapshot.Block> byId = new HashMap<>();
    s.blocks().forEach(b -> byId.put(b.id(), b));
    for (String id : d.cancel()) {
      assertThat(byId).containsKey(id);
      assertThat(byId.get(id).runningTasks()).as("running tasks on cancelled " + id).isZero();
    }
    assertThat(byId.keySet()).containsAll(d.drain());
    assertThat(d.drain().stream().filter(d.cancel()::contains))
        .as("drained and cancelled")
        .isEmpty();
    int liveAfter = s.blocks().size() + s.stopping() + d.start();
    assertThat(d.start() == 0 || liveAfter <= s.settings().maxBlocks()).isTrue();
    assertThat(strategy.decide(s)).as("same snapshot, same decision").isEqualTo(d);
  }

  @Test
  void theReasonNamesEachCaseWithItsNumbers() {
    Decision d =
        strategy.decide(
            aPool().queued(6).with(aRunningBlock("b1").tasks(4).walltimeEndsIn(30)).build());
    assertThat(d.reason())
        .isEqualTo(
            "case 4a: drain b1: 60 s or less before walltime end; case 4b: start 3 block(s);"
                + " target 3 for 10 task(s) at 4 slot(s)/block, parallelism 1.0; active 0 (0"
                + " pending)");
    assertThat(d.target()).isEqualTo(3);
  }

  @Test
  void anUnhealthyPoolSaysHowManyAttemptsFailedAndTheLastReason() {
    Decision d = strategy.decide(aPool().queued(1).failures(5, 10).build());
    assertThat(d.health().reason())
        .isEqualTo("5 consecutive attempt(s) to start blocks failed; last: exited with code 3");
    assertThat(d.reason()).startsWith("case 5c: not starting blocks: 5 consecutive");
  }

  @Test
  void theBackOffSaysWhenTheNextAttemptComes() {
    Decision d = strategy.decide(aPool().queued(1).failures(3, 3).build());
    assertThat(d.reason())
        .startsWith("case 5a: back off 8 s after 3 failure(s) to start, next attempt in 5 s");
  }

  @Test
  void aLongListOfBlocksIsShortenedInTheReason() {
    SnapshotBuilder s = aPool();
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      s.with(aRunningBlock("b" + i).idleFor(600));
      ids.add("b" + i);
    }
    Decision d = strategy.decide(s.build());
    assertThat(d.drain()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(d.reason()).contains(" and 3 more idle >= 60 s beyond target 0");
  }

  @Test
  void aTaskOnAllSlotsOfATwoNodeBlockNeedsNoSecondBlock() {
    PoolSettings cfg = Snapshots.SETTINGS.toBuilder().nodesPerBlock(2).build();
    assertThat(QueueDepthStrategy.demandTarget(8, cfg)).isEqualTo(1);
    assertThat(QueueDepthStrategy.demandTarget(9, cfg)).isEqualTo(2);
    assertThat(QueueDepthStrategy.demandTarget(0, cfg)).isZero();
  }

  private static Arguments row(String behaviour, SnapshotBuilder snapshot, Expect expected) {
    return arguments(behaviour, snapshot, expected);
  }

  private static Expect expect() {
    return new Expect();
  }

  /** What a row expects; everything not set is empty. */
  static final class Expect {
    int start;
    List<String> drain = List.of();
    List<String> cancel = List.of();
    List<String> cases = List.of();
    boolean healthy = true;

    Expect start(int n) {
      start = n;
      return this;
    }

    Expect drain(String... ids) {
      drain = List.of(ids);
      return this;
    }

    Expect cancel(String... ids) {
      cancel = List.of(ids);
      return this;
    }

    Expect cases(String... labels) {
      cases = List.of(labels);
      return this;
    }

    Expect unhealthy() {
      healthy = false;
      return this;
    }

    @Override
    public String toString() {
      return "start " + start + " drain " + drain + " cancel " + cancel + " cases " + cases;
    }
  }
}
