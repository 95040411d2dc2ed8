package dev.gale.scaler;

import java.time.Duration;
import java.util.Objects;

/**
 * What one block should be: the shape of the allocation, not what runs in it (the provider was
 * given the node-agent command when it was created, see {@link BlockCommand}).
 *
 * @param pool the pool the block serves
 * @param nodes nodes in the block (1 for local processes and pods)
 * @param slotsPerNode task slots each node agent announces
 * @param walltime the block's time limit, or null for none (batch providers require one)
 */
public record BlockRequest(String pool, int nodes, int slotsPerNode, Duration walltime) {
  public BlockRequest {
    Objects.requireNonNull(pool, "pool");
    if (nodes < 1) {
      throw new IllegalArgumentException("nodes must be at least 1, got " + nodes);
    }
    if (slotsPerNode < 1) {
      throw new IllegalArgumentException("slotsPerNode must be at least 1, got " + slotsPerNode);
    }
  }

  /** One node with {@code slots} slots and no walltime. */
  public static BlockRequest of(String pool, int slots) {
    return new BlockRequest(pool, 1, slots, null);
  }
}
