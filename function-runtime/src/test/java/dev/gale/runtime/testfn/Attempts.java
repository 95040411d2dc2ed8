package dev.gale.runtime.testfn;

import dev.gale.api.Json;
import dev.gale.api.RawJson;
import dev.gale.api.protocol.FunctionSpec;
import dev.gale.runtime.spi.Attempt;
import dev.gale.runtime.spi.Cancellation;
import dev.gale.runtime.spi.Limits;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** Test-data builders for attempts and function specs. */
public final class Attempts {
  private static final AtomicInteger SEQ = new AtomicInteger();

  private Attempts() {}

  public static Attempt attempt(Path root, String argsJson) {
    return attempt(root, argsJson, new Cancellation(), Limits.DEFAULT);
  }

  public static Attempt attempt(
      Path root, String argsJson, Cancellation cancellation, Limits limits) {
    int n = SEQ.incrementAndGet();
    return new Attempt(
        "task-" + n, 1, RawJson.of(argsJson), null, cancellation, limits, root.resolve("a" + n));
  }

  public static FunctionSpec spec(String kind, String specJson) {
    return new FunctionSpec("fn-" + SEQ.incrementAndGet(), kind, Json.readTree(specJson), null);
  }
}
