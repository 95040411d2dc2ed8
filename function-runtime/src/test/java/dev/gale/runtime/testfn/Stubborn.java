package dev.gale.runtime.testfn;

import dev.gale.function.FunctionContext;
import dev.gale.function.GaleFunction;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Ignores interrupts and cancellation until {@link #release} opens: a function that never stops.
 */
public final class Stubborn implements GaleFunction {
  public static volatile CountDownLatch release = new CountDownLatch(1);

  @Override
  public Object call(Map<String, Object> args, FunctionContext context) {
    while (true) {
      try {
        release.await();
        return "released";
      } catch (InterruptedException e) {
        // ignored on purpose
      }
    }
  }
}
