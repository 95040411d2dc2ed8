package dev.gale.scaler.strategy;

import java.util.Objects;

/**
 * Whether a pool can get the blocks it needs, shown in {@code GET /v1/pools/{name}} and metrics.
 *
 * @param healthy false when the scaler has stopped starting blocks or cannot see the provider
 * @param reason why it is unhealthy (the last failure's message included); null when healthy
 */
public record PoolHealth(boolean healthy, String reason) {
  /** A healthy pool. */
  public static final PoolHealth HEALTHY = new PoolHealth(true, null);

  /** Checks that an unhealthy pool says why. */
  public PoolHealth {
    if (healthy && reason != null) {
      throw new IllegalArgumentException("a healthy pool has no reason");
    }
    if (!healthy) {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** An unhealthy pool, with the reason. */
  public static PoolHealth unhealthy(String reason) {
    return new PoolHealth(false, reason);
  }
}
