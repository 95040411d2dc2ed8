package dev.gale.scaler.strategy;

import java.time.Duration;

/**
 * The scaling settings of one pool, immutable and validated: every instance is usable. The names
 * follow the pool's JSON ({@code PUT /v1/pools/{name}}) and Parsl's parameters.
 *
 * <p>Build one with {@link #builder()}, whose Javadoc states each default. The canonical
 * constructor throws {@link IllegalArgumentException} naming the offending field and value.
 *
 * @param initBlocks blocks started by the first decision (if demand needs fewer); {@code 0 ..
 *     maxBlocks}
 * @param minBlocks blocks kept even without work; {@code 0} lets the pool scale to zero
 * @param maxBlocks hard cap on live blocks of the pool (pending, running and draining together);
 *     {@code >= minBlocks}; {@code 0} pauses the pool
 * @param nodesPerBlock nodes in one block; {@code >= 1}
 * @param slotsPerNode task slots each node agent announces; {@code >= 1}
 * @param parallelism slots wanted per task, {@code 0..1} as in Parsl: 1 asks for a slot per queued
 *     or running task, 0.5 for half as many; with 0 a single block is kept while there is work
 * @param maxIdleSeconds how long a block must have been idle (no running task; for a pending block:
 *     since it was submitted) before it may be scaled in; {@code >= 0}
 * @param drainSeconds how long before its walltime end a block is drained (no new tasks) and
 *     replaced; {@code >= 0} and less than {@code walltime}. It should cover one poll interval of
 *     the scaler loop, which learns of a block's start at its next poll.
 * @param walltime the time limit of each block, or null for none
 * @param startBackoff wait after the first block that fails to start, doubled with each further
 *     consecutive failure; {@code > 0}
 * @param maxStartBackoff cap on that wait; {@code >= startBackoff}
 * @param unhealthyAfterFailures consecutive failures to start after which the pool is unhealthy and
 *     no more blocks are started (until the settings change or the failures are reset); {@code >=
 *     1}
 * @param stableAfter a running block counts as started once it has run a task or stayed running
 *     this long; one that ends before is a failure to start; {@code >= 0}
 */
public record PoolSettings(
    int initBlocks,
    int minBlocks,
    int maxBlocks,
    int nodesPerBlock,
    int slotsPerNode,
    double parallelism,
    long maxIdleSeconds,
    long drainSeconds,
    Duration walltime,
    Duration startBackoff,
    Duration maxStartBackoff,
    int unhealthyAfterFailures,
    Duration stableAfter) {

  /** Validates every field; see the record's description for the rules. */
  public PoolSettings {
    atLeast("minBlocks", minBlocks, 0);
    if (maxBlocks < minBlocks) {
      throw new IllegalArgumentException(
          "maxBlocks (" + maxBlocks + ") must be at least minBlocks (" + minBlocks + ")");
    }
    atLeast("initBlocks", initBlocks, 0);
    if (initBlocks > maxBlocks) {
      throw new IllegalArgumentException(
          "initBlocks (" + initBlocks + ") must not exceed maxBlocks (" + maxBlocks + ")");
    }
    atLeast("nodesPerBlock", nodesPerBlock, 1);
    atLeast("slotsPerNode", slotsPerNode, 1);
    if (!(parallelism >= 0.0 && parallelism <= 1.0)) {
      throw new IllegalArgumentException("parallelism must be between 0 and 1, got " + parallelism);
    }
    atLeast("maxIdleSeconds", maxIdleSeconds, 0);
    atLeast("drainSeconds", drainSeconds, 0);
    if (walltime != null) {
      if (walltime.isNegative() || walltime.isZero()) {
        throw new IllegalArgumentException("walltime must be positive, got " + walltime);
      }
      if (drainSeconds >= walltime.getSeconds()) {
        throw new IllegalArgumentException(
            "drainSeconds ("
                + drainSeconds
                + ") must be less than walltime ("
                + walltime.getSeconds()
                + " s)");
      }
    }
    positive("startBackoff", startBackoff);
    if (maxStartBackoff == null || maxStartBackoff.compareTo(startBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxStartBackoff ("
              + maxStartBackoff
              + ") must be at least startBackoff ("
              + startBackoff
              + ")");
    }
    atLeast("unhealthyAfterFailures", unhealthyAfterFailures, 1);
    if (stableAfter == null || stableAfter.isNegative()) {
      throw new IllegalArgumentException(
          "stableAfter must be zero or positive, got " + stableAfter);
    }
  }

  /** The defaults of {@link Builder}. */
  public static PoolSettings defaults() {
    return builder().build();
  }

  /** A builder with the defaults stated on each of its setters. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder initialised from these settings. */
  public Builder toBuilder() {
    return new Builder()
        .initBlocks(initBlocks)
        .minBlocks(minBlocks)
        .maxBlocks(maxBlocks)
        .nodesPerBlock(nodesPerBlock)
        .slotsPerNode(slotsPerNode)
        .parallelism(parallelism)
        .maxIdleSeconds(maxIdleSeconds)
        .drainSeconds(drainSeconds)
        .walltime(walltime)
        .startBackoff(startBackoff)
        .maxStartBackoff(maxStartBackoff)
        .unhealthyAfterFailures(unhealthyAfterFailures)
        .stableAfter(stableAfter);
  }

  /** Task slots of one block: {@code nodesPerBlock * slotsPerNode}. */
  public long slotsPerBlock() {
    return (long) nodesPerBlock * slotsPerNode;
  }

  /**
   * The wait before the next block may be started after {@code consecutiveFailures} failures to
   * start: {@code startBackoff * 2^(n-1)}, at most {@code maxStartBackoff}; zero for none.
   */
  public Duration backoffAfter(int consecutiveFailures) {
    if (consecutiveFailures <= 0) {
      return Duration.ZERO;
    }
    int shift = Math.min(consecutiveFailures - 1, 30);
    Duration d = startBackoff;
    for (int i = 0; i < shift && d.compareTo(maxStartBackoff) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxStartBackoff) > 0 ? maxStartBackoff : d;
  }

  private static void atLeast(String field, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be at least " + min + ", got " + value);
    }
  }

  private static void positive(String field, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(field + " must be positive, got " + d);
    }
  }

  /** Mutable builder of {@link PoolSettings}; not thread-safe. */
  public static final class Builder {
    private int initBlocks = 1;
    private int minBlocks = 0;
    private int maxBlocks = 1;
    private int nodesPerBlock = 1;
    private int slotsPerNode = 1;
    private double parallelism = 1.0;
    private long maxIdleSeconds = 120;
    private long drainSeconds = 60;
    private Duration walltime;
    private Duration startBackoff = Duration.ofSeconds(2);
    private Duration maxStartBackoff = Duration.ofMinutes(2);
    private int unhealthyAfterFailures = 5;
    private Duration stableAfter = Duration.ofSeconds(60);

    private Builder() {}

    /** Default 1 (as in Parsl). */
    public Builder initBlocks(int v) {
      initBlocks = v;
      return this;
    }

    /** Default 0: the pool scales to zero. */
    public Builder minBlocks(int v) {
      minBlocks = v;
      return this;
    }

    /** Default 1 (as in Parsl). */
    public Builder maxBlocks(int v) {
      maxBlocks = v;
      return this;
    }

    /** Default 1. */
    public Builder nodesPerBlock(int v) {
      nodesPerBlock = v;
      return this;
    }

    /** Default 1. */
    public Builder slotsPerNode(int v) {
      slotsPerNode = v;
      return this;
    }

    /** Default 1.0: a slot for every queued or running task. */
    public Builder parallelism(double v) {
      parallelism = v;
      return this;
    }

    /** Default 120 (Parsl's {@code max_idletime}). */
    public Builder maxIdleSeconds(long v) {
      maxIdleSeconds = v;
      return this;
    }

    /** Default 60; only used with a walltime. */
    public Builder drainSeconds(long v) {
      drainSeconds = v;
      return this;
    }

    /** Default null: blocks have no time limit. */
    public Builder walltime(Duration v) {
      walltime = v;
      return this;
    }

    /** Default 2 s. */
    public Builder startBackoff(Duration v) {
      startBackoff = v;
      return this;
    }

    /** Default 2 min. */
    public Builder maxStartBackoff(Duration v) {
      maxStartBackoff = v;
      return this;
    }

    /** Default 5. */
    public Builder unhealthyAfterFailures(int v) {
      unhealthyAfterFailures = v;
      return this;
    }

    /** Default 60 s. */
    public Builder stableAfter(Duration v) {
      stableAfter = v;
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalArgumentException naming the first invalid field
     */
    public PoolSettings build() {
      return new PoolSettings(
          initBlocks,
          minBlocks,
          maxBlocks,
          nodesPerBlock,
          slotsPerNode,
          parallelism,
          maxIdleSeconds,
          drainSeconds,
          walltime,
          startBackoff,
          maxStartBackoff,
          unhealthyAfterFailures,
          stableAfter);
    }
  }
}
