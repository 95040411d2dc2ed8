package dev.gale.function.builtin;

import dev.gale.function.FunctionContext;
import dev.gale.function.GaleFunction;
import java.util.Map;

/** Returns its args unchanged: the no-op function for smoke tests and throughput measurements. */
public final class Echo implements GaleFunction {
  @Override
  public Object call(Map<String, Object> args, FunctionContext context) {
    return args;
  }
}
