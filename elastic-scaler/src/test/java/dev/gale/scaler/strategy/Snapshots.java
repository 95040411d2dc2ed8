package dev.gale.scaler.strategy;

import dev.gale.scaler.BlockState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Test-data builders for snapshots: {@code aPool().queued(10).with(aRunningBlock("b1"))}. */
final class Snapshots {
  static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");

  /** 4 slots per block, up to 10 blocks, none at start, maxIdle 60 s. */
  static final PoolSettings SETTINGS =
      PoolSettings.builder()
          .initBlocks(0)
          .minBlocks(0)
          .maxBlocks(10)
          .slotsPerNode(4)
          .maxIdleSeconds(60)
          .build();

  private Snapshots() {}

  static SnapshotBuilder aPool() {
    return new SnapshotBuilder();
  }

  /** Running since 10 min, idle since then. */
  static BlockBuilder aRunningBlock(String id) {
    return new BlockBuilder(id, BlockState.RUNNING);
  }

  /** Pending since it was submitted 10 min ago. */
  static BlockBuilder aPendingBlock(String id) {
    return new BlockBuilder(id, BlockState.PENDING);
  }

  static final class SnapshotBuilder {
    private PoolSettings settings = SETTINGS;
    private long queued;
    private long running;
    private final List<PoolSnapshot.Block> blocks = new ArrayList<>();
    private int stopping;
    private StartFailures failures = StartFailures.NONE;
    private boolean first;

    SnapshotBuilder settings(UnaryOperator<PoolSettings.Builder> change) {
      settings = change.apply(settings.toBuilder()).build();
      return this;
    }

    SnapshotBuilder queued(long n) {
      queued = n;
      return this;
    }

    /** Running tasks besides those on the blocks added (which are counted by {@link #with}). */
    SnapshotBuilder running(long n) {
      running += n;
      return this;
    }

    SnapshotBuilder with(BlockBuilder... bs) {
      for (BlockBuilder b : bs) {
        PoolSnapshot.Block block = b.build();
        blocks.add(block);
        running += block.runningTasks();
      }
      return this;
    }

    SnapshotBuilder stopping(int n) {
      stopping = n;
      return this;
    }

    /** {@code n} failed attempts, the last one {@code secondsAgo}. */
    SnapshotBuilder failures(int n, long secondsAgo) {
      failures = new StartFailures(n, NOW.minusSeconds(secondsAgo), "exited with code 3");
      return this;
    }

    SnapshotBuilder firstDecision() {
      first = true;
      return this;
    }

    PoolSnapshot build() {
      return new PoolSnapshot(NOW, settings, queued, running, blocks, stopping, failures, first);
    }

    @Override
    public String toString() {
      return build().toString();
    }
  }

  static final class BlockBuilder {
    private final String id;
    private final BlockState state;
    private Instant submittedAt = NOW.minus(Duration.ofMinutes(10));
    private Instant since = submittedAt;
    private int tasks;
    private Instant idleSince = submittedAt;
    private Instant walltimeEnd;
    private boolean draining;

    BlockBuilder(String id, BlockState state) {
      this.id = id;
      this.state = state;
    }

    BlockBuilder tasks(int n) {
      tasks = n;
      idleSince = n == 0 ? NOW : null;
      return this;
    }

    BlockBuilder idleFor(long seconds) {
      tasks = 0;
      idleSince = NOW.minusSeconds(seconds);
      return this;
    }

    BlockBuilder submittedAgo(long seconds) {
      submittedAt = NOW.minusSeconds(seconds);
      since = submittedAt;
      if (state == BlockState.PENDING) {
        idleSince = submittedAt;
      }
      return this;
    }

    BlockBuilder walltimeEndsIn(long seconds) {
      walltimeEnd = NOW.plusSeconds(seconds);
      return this;
    }

    BlockBuilder draining() {
      draining = true;
      return this;
    }

    PoolSnapshot.Block build() {
      return new PoolSnapshot.Block(
          id, state, since, submittedAt, tasks, idleSince, walltimeEnd, draining);
    }
  }
}
