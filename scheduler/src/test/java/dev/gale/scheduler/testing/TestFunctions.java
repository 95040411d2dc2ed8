package dev.gale.scheduler.testing;

import dev.gale.api.FunctionDefinition;
import dev.gale.api.Json;
import java.time.Instant;
import java.util.UUID;

/** Function definitions for scheduler tests: the built-in {@code Echo} under a fresh id. */
public final class TestFunctions {
  private TestFunctions() {}

  /**
   * {@code Echo} of {@code tenant}, named {@code echo}, with {@code retries} retries on any error,
   * no caching, created at {@code createdAt}.
   */
  public static FunctionDefinition echo(String tenant, int retries, Instant createdAt) {
    return new FunctionDefinition(
        "fn-" + UUID.randomUUID(),
        tenant,
        "echo",
        "java",
        Json.readTree("{\"class\":\"dev.gale.function.builtin.Echo\"}"),
        null,
        null,
        retries,
        null,
        null,
        false,
        false,
        createdAt);
  }
}
