package dev.gale.runtime.testfn;

import dev.gale.function.FunctionContext;
import dev.gale.function.GaleFunction;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Records how many calls run at once; sleeps {@code millis} (default 100). */
public final class ConcurrencyProbe implements GaleFunction {
  public static final AtomicInteger CURRENT = new AtomicInteger();
  public static final AtomicInteger MAX = new AtomicInteger();

  @Override
  public Object call(Map<String, Object> args, FunctionContext context) throws Exception {
    int now = CURRENT.incrementAndGet();
    MAX.accumulateAndGet(now, Math::max);
    try {
      Thread.sleep(((Number) args.getOrDefault("millis", 100)).longValue());
      return Map.of("concurrent", now);
    } finally {
      CURRENT.decrementAndGet();
    }
  }
}
