package dev.gale.scaler.strategy;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link Strategy} wants done to a pool now. Immutable. Applying it is the scaler loop's
 * job: drain first, then cancel, then start.
 *
 * @param start blocks to submit; {@code >= 0}
 * @param drain live blocks to drain: they take no new task and are cancelled by a later decision
 *     once their running tasks have ended
 * @param cancel blocks to stop now; never one with running tasks
 * @param target the number of live, non-draining blocks the strategy aims at
 * @param cases the case labels that applied, in order (e.g. {@code ["4a", "4b"]}), for metrics
 * @param reason one line for logs and {@code /v1/pools}: each applied case as {@code "case 1b:
 *     ..."}, joined by {@code "; "}
 * @param health the pool's health as this decision sees it
 */
public record Decision(
    int start,
    List<String> drain,
    List<String> cancel,
    int target,
    List<String> cases,
    String reason,
    PoolHealth health) {

  /** Checks nulls and ranges; copies the lists. */
  public Decision {
    drain = List.copyOf(drain);
    cancel = List.copyOf(cancel);
    cases = List.copyOf(cases);
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(health, "health");
    if (start < 0) {
      throw new IllegalArgumentException("start must not be negative, got " + start);
    }
  }

  /** True when it asks for nothing to be done. */
  public boolean isNoop() {
    return start == 0 && drain.isEmpty() && cancel.isEmpty();
  }
}
