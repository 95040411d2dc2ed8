package dev.gale.scaler.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.scaler.BlockState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * A pool in a test tube, one second per {@link #step()}: a provider whose blocks start after a
 * delay (or fail to), a batch system that kills blocks at their walltime, workers that take queued
 * tasks into free slots in block order, and the loop's bookkeeping — then the strategy's decision,
 * applied at once. Checks the strategy's promises on every step: never more live blocks than {@code
 * maxBlocks}, never a cancelled block with running tasks, never a block scaled in before it existed
 * and idled for {@code maxIdleSeconds} (unless above a lowered {@code maxBlocks}).
 */
final class SimulatedPool {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  /** Something the strategy made happen to a block. */
  record Event(long t, String kind, String block, List<String> cases) {
    boolean isScaleIn() {
      return kind.equals("scale-in");
    }
  }

  private final Strategy strategy = new QueueDepthStrategy();
  private final Duration startDelay;
  PoolSettings settings;
  Instant now = T0;
  final List<Block> blocks = new ArrayList<>();
  final Deque<Long> queue = new ArrayDeque<>();
  final List<Event> events = new ArrayList<>();
  StartFailures failures = StartFailures.NONE;
  Decision last;
  boolean alwaysFailToStart;
  int failNextStarts;
  int maxLive;
  long submittedTasks;
  long completedTasks;
  long killedTasks;
  Instant lastCompletion;
  private boolean first = true;
  private int seq;

  SimulatedPool(PoolSettings settings, Duration startDelay) {
    this.settings = settings;
    this.startDelay = startDelay;
  }

  /** One block of the simulated provider. */
  static final class Block {
    final String id;
    final Instant submittedAt;
    final boolean failsToStart;
    BlockState state = BlockState.PENDING;
    Instant since;
    Instant runningSince;
    Instant idleSince;
    final List<Instant> taskEnds = new ArrayList<>();
    boolean served;
    boolean started;
    boolean draining;

    Block(String id, Instant submittedAt, boolean failsToStart) {
      this.id = id;
      this.submittedAt = submittedAt;
      this.since = submittedAt;
      this.idleSince = submittedAt;
      this.failsToStart = failsToStart;
    }
  }

  long t() {
    return Duration.between(T0, now).toSeconds();
  }

  void addTasks(int n, long seconds) {
    for (int i = 0; i < n; i++) {
      queue.add(seconds);
    }
    submittedTasks += n;
  }

  /** Queued plus running tasks. */
  long outstanding() {
    return queue.size() + blocks.stream().mapToLong(b -> b.taskEnds.size()).sum();
  }

  /** Tops the outstanding tasks up to {@code n}. */
  void keepOutstanding(long n, long seconds) {
    long missing = n - outstanding();
    if (missing > 0) {
      addTasks((int) missing, seconds);
    }
  }

  long live() {
    return blocks.size();
  }

  long active() {
    return blocks.stream().filter(b -> !b.draining).count();
  }

  long runningBlocks() {
    return blocks.stream().filter(b -> b.state == BlockState.RUNNING).count();
  }

  List<Event> eventsBetween(long from, long to) {
    return events.stream().filter(e -> e.t() >= from && e.t() < to).toList();
  }

  /** Asserts that no block was given up within maxIdle after any block was started. */
  void assertNoScaleInWithinMaxIdleOfAStart() {
    for (Event in : events.stream().filter(Event::isScaleIn).toList()) {
      assertThat(eventsBetween(in.t() - settings.maxIdleSeconds(), in.t() + 1))
          .as("starts within maxIdle before scale-in %s; %s", in, settings)
          .noneMatch(e -> e.kind().equals("start"));
    }
  }

  long scaleIns() {
    return events.stream().filter(Event::isScaleIn).count();
  }

  long starts() {
    return events.stream().filter(e -> e.kind().equals("start")).count();
  }

  Optional<Event> lastEvent() {
    return events.isEmpty() ? Optional.empty() : Optional.of(events.get(events.size() - 1));
  }

  void run(int seconds) {
    for (int i = 0; i < seconds; i++) {
      step();
    }
  }

  Decision step() {
    now = now.plusSeconds(1);
    PoolSettings cfg = settings;
    provider(cfg);
    for (Block b : blocks) {
      int before = b.taskEnds.size();
      b.taskEnds.removeIf(end -> !end.isAfter(now));
      if (b.taskEnds.size() < before) {
        completedTasks += before - b.taskEnds.size();
        lastCompletion = now;
      }
    }
    for (Block b : blocks) {
      if (b.state == BlockState.RUNNING && !b.draining) {
        while (b.taskEnds.size() < cfg.slotsPerBlock() && !queue.isEmpty()) {
          b.taskEnds.add(now.plusSeconds(queue.poll()));
        }
      }
    }
    List<PoolSnapshot.Block> views = new ArrayList<>();
    long running = 0;
    for (Block b : blocks) {
      int tasks = b.taskEnds.size();
      running += tasks;
      if (tasks > 0) {
        b.served = true;
        b.idleSince = null;
      } else if (b.idleSince == null) {
        b.idleSince = now;
      }
      if (!b.started
          && b.runningSince != null
          && (b.served || !now.isBefore(b.runningSince.plus(cfg.stableAfter())))) {
        b.started = true;
        failures = StartFailures.NONE;
      }
      views.add(
          new PoolSnapshot.Block(
              b.id,
              b.state,
              b.since,
              b.submittedAt,
              tasks,
              tasks == 0 ? b.idleSince : null,
              walltimeEnd(b, cfg),
              b.draining));
    }
    PoolSnapshot s = new PoolSnapshot(now, cfg, queue.size(), running, views, 0, failures, first);
    first = false;
    last = strategy.decide(s);
    apply(last, cfg);
    maxLive = Math.max(maxLive, blocks.size());
    if (last.start() > 0) {
      assertThat(blocks.size())
          .as("live blocks after a start at t=%d", t())
          .isLessThanOrEqualTo(cfg.maxBlocks());
    }
    return last;
  }

  private void provider(PoolSettings cfg) {
    for (Iterator<Block> it = blocks.iterator(); it.hasNext(); ) {
      Block b = it.next();
      if (b.state == BlockState.PENDING && !now.isBefore(b.submittedAt.plus(startDelay))) {
        if (b.failsToStart) {
          it.remove();
          failures = failures.failed(b.submittedAt, now, "block " + b.id + " exited with code 1");
          events.add(new Event(t(), "failed", b.id, List.of()));
          continue;
        }
        b.state = BlockState.RUNNING;
        b.since = now;
        b.runningSince = now;
        b.idleSince = now;
      }
      Instant end = walltimeEnd(b, cfg);
      if (end != null && !now.isBefore(end)) {
        killedTasks += b.taskEnds.size();
        it.remove();
        events.add(new Event(t(), "timeout", b.id, List.of()));
      }
    }
  }

  private void apply(Decision d, PoolSettings cfg) {
    boolean forced = d.cases().contains("3d");
    Instant idleEnough = now.minusSeconds(cfg.maxIdleSeconds());
    for (String id : d.drain()) {
      Block b = find(id);
      Instant end = walltimeEnd(b, cfg);
      boolean walltime = end != null && !now.isBefore(end.minusSeconds(cfg.drainSeconds()));
      if (!walltime && !forced) {
        assertThat(b.taskEnds).as("tasks on %s drained for idleness at t=%d", id, t()).isEmpty();
        assertThat(b.idleSince)
            .as("idle since of %s at t=%d", id, t())
            .isBeforeOrEqualTo(idleEnough);
        events.add(new Event(t(), "scale-in", id, d.cases()));
      } else {
        events.add(new Event(t(), walltime ? "walltime-drain" : "forced-drain", id, d.cases()));
      }
      b.draining = true;
    }
    for (String id : d.cancel()) {
      Block b = find(id);
      assertThat(b.taskEnds).as("tasks on cancelled %s at t=%d", id, t()).isEmpty();
      if (!b.draining) {
        assertThat(b.state).isEqualTo(BlockState.PENDING);
        if (!forced) {
          assertThat(b.submittedAt).as("submission of %s", id).isBeforeOrEqualTo(idleEnough);
        }
        events.add(new Event(t(), "scale-in", id, d.cases()));
      } else {
        events.add(new Event(t(), "cancel-drained", id, d.cases()));
      }
      blocks.remove(b);
    }
    for (int i = 0; i < d.start(); i++) {
      boolean fails = alwaysFailToStart || failNextStarts > 0;
      if (failNextStarts > 0) {
        failNextStarts--;
      }
      Block b = new Block("b" + (++seq), now, fails);
      blocks.add(b);
      events.add(new Event(t(), "start", b.id, d.cases()));
    }
  }

  private Block find(String id) {
    return blocks.stream()
        .filter(b -> b.id.equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("decision names unknown block " + id));
  }

  private static Instant walltimeEnd(Block b, PoolSettings cfg) {
    return cfg.walltime() == null || b.runningSince == null
        ? null
        : b.runningSince.plus(cfg.walltime());
  }
}
