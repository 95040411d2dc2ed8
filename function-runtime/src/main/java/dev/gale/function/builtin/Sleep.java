package dev.gale.function.builtin;

import dev.gale.function.FunctionContext;
import dev.gale.function.GaleFunction;
import java.util.Map;

/**
 * Sleeps for {@code seconds} (a number, default 1, fractions allowed) and returns {@code {"slept":
 * seconds}}. Stops at once with {@link InterruptedException} when the task is cancelled or times
 * out.
 */
public final class Sleep implements GaleFunction {
  @Override
  public Object call(Map<String, Object> args, FunctionContext context) throws Exception {
    Object value = args.getOrDefault("seconds", 1);
    if (!(value instanceof Number seconds)) {
      throw new IllegalArgumentException("'seconds' must be a number, got " + value);
    }
    double s = seconds.doubleValue();
    if (!(s >= 0) || Double.isInfinite(s)) {
      throw new IllegalArgumentException("'seconds' must be a finite number >= 0, got " + value);
    }
    long deadline = System.nanoTime() + (long) (s * 1e9);
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      if (context.isCancelled()) {
        throw new InterruptedException("cancelled");
      }
      long millis = Math.min(left / 1_000_000, 1_000);
      Thread.sleep(millis, (int) (millis == 0 ? left % 1_000_000 : 0));
    }
    return Map.of("slept", value);
  }
}
