package dev.gale.scaler.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.scaler.strategy.SimulatedPool.Event;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Loops decide → apply → decide on a {@link SimulatedPool} and checks that the pool converges and
 * does not oscillate. The pool itself asserts the per-step promises (cap, busy blocks, idleness).
 */
class ConvergenceTest {
  private static final PoolSettings BASE =
      PoolSettings.builder()
          .initBlocks(0)
          .minBlocks(0)
          .maxBlocks(20)
          .slotsPerNode(4)
          .maxIdleSeconds(60)
          .build();

  private static SimulatedPool pool(PoolSettings settings, int startDelaySeconds) {
    return new SimulatedPool(settings, Duration.ofSeconds(startDelaySeconds));
  }

  @Test
  void convergesToTheDemandTargetAndThenDoesNothing() {
    SimulatedPool p = pool(BASE, 5);
    p.addTasks(40, 100_000);
    p.run(100);
    assertThat(p.starts()).isEqualTo(10);
    assertThat(p.live()).isEqualTo(10);
    assertThat(p.eventsBetween(2, 101)).isEmpty();
    assertThat(p.last.cases()).containsExactly("2");
  }

  @Test
  void neverOverSubmitsWhileBlocksWaitInTheBatchQueue() {
    SimulatedPool p = pool(BASE.toBuilder().maxBlocks(50).build(), 300);
    p.addTasks(40, 100_000);
    p.run(200);
    assertThat(p.starts()).isEqualTo(10);
    assertThat(p.runningBlocks()).isZero();
    assertThat(p.events).noneMatch(Event::isScaleIn);
  }

  @Test
  void scalesToZeroMaxIdleAfterTheWorkIsDone() {
    SimulatedPool p = pool(BASE, 2);
    p.addTasks(40, 30);
    long zeroAt = -1;
    for (int i = 0; i < 400 && zeroAt < 0; i++) {
      p.step();
      if (p.completedTasks == 40 && p.live() == 0) {
        zeroAt = p.t();
      }
    }
    assertThat(zeroAt).as("reached zero").isPositive();
    long idleFor =
        zeroAt - java.time.Duration.between(SimulatedPool.T0, p.lastCompletion).toSeconds();
    // idle clock starts when the last task ends; drain at maxIdle, cancel one tick later
    assertThat(idleFor).isBetween(60L, 62L);
    p.run(200);
    assertThat(p.eventsBetween(zeroAt + 1, p.t() + 1)).isEmpty();
    assertThat(p.last.cases()).containsExactly("2");
  }

  @Test
  void keepsBlocksWarmBetweenBurstsCloserThanMaxIdle() {
    SimulatedPool p = pool(BASE, 2);
    for (int burst = 0; burst < 10; burst++) {
      p.addTasks(20, 10);
      p.run(40);
    }
    assertThat(p.starts()).isEqualTo(5);
    assertThat(p.events).noneMatch(Event::isScaleIn);
    p.run(120);
    assertThat(p.live()).isZero();
  }

  @Test
  void doesNotOscillateUnderANoisyLoad() {
    SimulatedPool p = pool(BASE, 3);
    Random random = new Random(42);
    for (int i = 0; i < 900; i++) {
      p.keepOutstanding(10 + random.nextInt(21), 5);
      p.step();
    }
    // the peak (30 tasks) needs 8 blocks; a block is given up only after a quiet maxIdle
    // (rare with peaks every few seconds), and started again only when a peak comes back
    assertThat(p.starts() - p.scaleIns()).as("%s", p.events).isLessThanOrEqualTo(8);
    assertThat(p.scaleIns()).as("%s", p.events).isLessThanOrEqualTo(3);
    p.assertNoScaleInWithinMaxIdleOfAStart();
  }

  @Test
  void replacesBlocksBeforeTheirWalltimeWithoutKillingATask() {
    PoolSettings s =
        BASE.toBuilder()
            .maxBlocks(6)
            .slotsPerNode(2)
            .walltime(Duration.ofSeconds(300))
            .drainSeconds(60)
            .build();
    SimulatedPool p = pool(s, 5);
    long queuedLong = 0;
    for (int i = 0; i < 1200; i++) {
      p.keepOutstanding(8, 20);
      p.step();
      if (i > 100 && p.queue.size() > 6) {
        queuedLong++;
      }
    }
    assertThat(p.killedTasks).isZero();
    assertThat(p.maxLive).isLessThanOrEqualTo(6);
    assertThat(p.events).anyMatch(e -> e.kind().equals("walltime-drain"));
    assertThat(p.events).anyMatch(e -> e.kind().equals("start") && e.cases().contains("4b"));
    assertThat(p.events).noneMatch(e -> e.kind().equals("timeout"));
    // capacity is back within seconds after each drain: the queue rarely backs up
    assertThat(queuedLong).isLessThan(120);
  }

  @Test
  void backsOffExponentiallyAndStopsWhenBlocksNeverStart() {
    PoolSettings s =
        BASE.toBuilder()
            .maxBlocks(10)
            .startBackoff(Duration.ofSeconds(2))
            .maxStartBackoff(Duration.ofSeconds(60))
            .unhealthyAfterFailures(5)
            .build();
    SimulatedPool p = pool(s, 1);
    p.alwaysFailToStart = true;
    p.addTasks(10, 60);
    p.run(1000);
    List<Long> startTimes =
        p.events.stream().filter(e -> e.kind().equals("start")).map(Event::t).distinct().toList();
    // a wave of 3 at t=1 fails at t=2 (one attempt), then one probe after 2, 4, 8, 16 s
    assertThat(startTimes).containsExactly(1L, 4L, 9L, 18L, 35L);
    assertThat(p.starts()).isEqualTo(3 + 4);
    assertThat(p.last.health().healthy()).isFalse();
    assertThat(p.last.health().reason())
        .isEqualTo(
            "5 consecutive attempt(s) to start blocks failed; last: block b7 exited with code 1");
    assertThat(p.last.cases()).containsExactly("5c");
  }

  @Test
  void scalesOutFullyOnceAProbeStarts() {
    SimulatedPool p = pool(BASE, 1);
    p.failNextStarts = 3;
    p.addTasks(12, 100_000);
    p.run(30);
    assertThat(p.live()).isEqualTo(3);
    assertThat(p.starts()).isEqualTo(3 + 1 + 2);
    assertThat(p.last.health().healthy()).isTrue();
    assertThat(p.failures).isEqualTo(StartFailures.NONE);
  }

  @Test
  void givesUpSurplusBlocksAtOnceWhenMaxBlocksIsLoweredLetsTheirTasksEnd() {
    SimulatedPool p = pool(BASE, 2);
    for (int i = 0; i < 60; i++) {
      p.keepOutstanding(40, 30);
      p.step();
    }
    assertThat(p.live()).isEqualTo(10);
    p.settings = BASE.toBuilder().maxBlocks(4).build();
    p.keepOutstanding(40, 30);
    p.step();
    assertThat(p.last.cases()).contains("3d");
    assertThat(p.active()).isEqualTo(4);
    for (int i = 0; i < 40; i++) {
      p.keepOutstanding(40, 30);
      p.step();
    }
    assertThat(p.live()).isEqualTo(4);
    assertThat(p.killedTasks).isZero();
  }

  @ParameterizedTest(name = "random pool and load, seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void convergesWithoutOscillationForRandomPoolsAndLoads(long seed) {
    Random r = new Random(seed);
    int min = r.nextInt(3);
    PoolSettings.Builder b =
        PoolSettings.builder()
            .minBlocks(min)
            .maxBlocks(min + 1 + r.nextInt(8))
            .initBlocks(min)
            .slotsPerNode(1 + r.nextInt(4))
            .nodesPerBlock(1 + r.nextInt(2))
            .parallelism(new double[] {0.25, 0.5, 1.0}[r.nextInt(3)])
            .maxIdleSeconds(10 + r.nextInt(60));
    if (r.nextBoolean()) {
      b.walltime(Duration.ofSeconds(200 + r.nextInt(200))).drainSeconds(30);
    }
    PoolSettings s = b.build();
    SimulatedPool p = pool(s, r.nextInt(20));
    for (int i = 0; i < 1200; i++) {
      if (r.nextInt(30) == 0) {
        p.addTasks(1 + r.nextInt(40), 1 + r.nextInt(25));
      }
      p.step();
    }
    for (int i = 0; i < 100_000 && p.outstanding() > 0; i++) {
      p.step();
    }
    p.run(400);
    String settings = s.toString();
    assertThat(p.completedTasks).as("all work done; %s", settings).isEqualTo(p.submittedTasks);
    assertThat(p.killedTasks).as("tasks killed by walltime").isZero();
    assertThat(p.active()).as("active blocks at rest; %s", settings).isEqualTo(min);
    // at rest only walltime replacements of the minBlocks may happen
    assertThat(p.eventsBetween(p.t() - 150, p.t() + 1))
        .allMatch(e -> Set.of("4a", "4b", "4c").containsAll(e.cases()), "walltime only");
    p.assertNoScaleInWithinMaxIdleOfAStart();
  }
}
