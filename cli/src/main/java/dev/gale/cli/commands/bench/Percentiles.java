package dev.gale.cli.commands.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import java.util.Arrays;

/**
 * Order statistics of a set of durations: nearest-rank p50, p90, p99, the maximum and the mean, in
 * milliseconds rounded to microseconds.
 *
 * @param count number of samples
 * @param p50Ms median
 * @param p90Ms 90th percentile
 * @param p99Ms 99th percentile
 * @param maxMs largest sample
 * @param meanMs arithmetic mean
 */
public record Percentiles(
    int count, double p50Ms, double p90Ms, double p99Ms, double maxMs, double meanMs) {

  /**
   * The statistics of durations in nanoseconds (the array is sorted in place).
   *
   * @throws IllegalArgumentException when there are no samples
   */
  public static Percentiles ofNanos(long[] nanos) {
    if (nanos.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    Arrays.sort(nanos);
    double sum = 0;
    for (long n : nanos) {
      sum += n;
    }
    return new Percentiles(
        nanos.length,
        ms(rank(nanos, 0.50)),
        ms(rank(nanos, 0.90)),
        ms(rank(nanos, 0.99)),
        ms(nanos[nanos.length - 1]),
        ms(sum / nanos.length));
  }

  /** The statistics of durations in milliseconds (e.g. differences of server timestamps). */
  public static Percentiles ofMillis(long[] millis) {
    long[] nanos = new long[millis.length];
    for (int i = 0; i < millis.length; i++) {
      nanos[i] = millis[i] * 1_000_000L;
    }
    return ofNanos(nanos);
  }

  /** The nearest-rank quantile {@code q} of sorted samples. */
  static long rank(long[] sorted, double q) {
    int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, i)];
  }

  /** Rounds to three decimals (microseconds when the unit is milliseconds or seconds/1000). */
  public static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static double ms(double nanos) {
    return round(nanos / 1e6);
  }

  /** {@code {count, p50Ms, p90Ms, p99Ms, maxMs, meanMs}}. */
  public ObjectNode toJson() {
    return Json.object()
        .put("count", count)
        .put("p50Ms", p50Ms)
        .put("p90Ms", p90Ms)
        .put("p99Ms", p99Ms)
        .put("maxMs", maxMs)
        .put("meanMs", meanMs);
  }
}
