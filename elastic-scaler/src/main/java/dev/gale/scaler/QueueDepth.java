package dev.gale.scaler;

import java.util.Map;
import java.util.Set;

/**
 * The load of one pool at one moment, as a {@link QueueDepthSource} reports it.
 *
 * @param queued tasks waiting in the pool's ready queue; {@code >= 0}
 * @param running tasks of the pool dispatched to workers and not finished; {@code >= 0}
 * @param runningByBlock running tasks per block id, for the workers that announced a block (the
 *     node agent gets its block id through the {@code {block}} placeholder of {@link
 *     BlockCommand}). Every block with a running task must appear: a block that is absent counts as
 *     idle and may be scaled in. Tasks on workers of no block (started by hand) are left out.
 * @param connectedBlocks the blocks with at least one worker connected now, or null when the source
 *     does not know. Known, it lets a block's idle clock start when its first worker connects
 *     rather than when the provider reports it running (a worker that still starts is not idle).
 */
public record QueueDepth(
    long queued, long running, Map<String, Integer> runningByBlock, Set<String> connectedBlocks) {
  /** Checks ranges; copies the map and the set. */
  public QueueDepth {
    if (queued < 0 || running < 0) {
      throw new IllegalArgumentException(
          "queued and running must not be negative, got " + queued + ", " + running);
    }
    runningByBlock = Map.copyOf(runningByBlock);
    runningByBlock.forEach(
        (id, n) -> {
          if (n < 0) {
            throw new IllegalArgumentException("runningByBlock[" + id + "] is negative: " + n);
          }
        });
    connectedBlocks = connectedBlocks == null ? null : Set.copyOf(connectedBlocks);
  }

  /** A load without knowing which blocks have workers connected. */
  public QueueDepth(long queued, long running, Map<String, Integer> runningByBlock) {
    this(queued, running, runningByBlock, null);
  }

  /** A pool with nothing queued or running. */
  public static QueueDepth idle() {
    return new QueueDepth(0, 0, Map.of());
  }

  /** Running tasks on one block; 0 when it is absent. */
  public int runningOn(String blockId) {
    return runningByBlock.getOrDefault(blockId, 0);
  }

  /** True when a worker of the block is connected, or when that is not known. */
  public boolean hasWorkers(String blockId) {
    return connectedBlocks == null || connectedBlocks.contains(blockId);
  }
}
