package dev.gale.runtime.testfn;

import dev.gale.function.FunctionContext;
import dev.gale.function.GaleFunction;
import java.util.Map;

/** Throws {@code IllegalStateException} with the {@code message} arg. */
public final class Fail implements GaleFunction {
  @Override
  public Object call(Map<String, Object> args, FunctionContext context) {
    throw new IllegalStateException(String.valueOf(args.get("message")));
  }
}
