package dev.gale.scheduler.testing;

import dev.gale.api.FunctionDefinition;
import dev.gale.api.Json;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Function definitions for scheduler tests: the built-in {@code Echo} under a fresh id. */
public final class TestFunctions {
  private TestFunctions() {}

  /**
   * {@code Echo} of {@code tenant}, named {@code echo}, with {@code retries} retries on any error,
   * no caching, created at {@code createdAt}.
   */
  public static FunctionDefinition echo(String tenant, int retries, Instant createdAt) {
    return echo(tenant, retries, null, false, createdAt);
  }

  /**
   * {@code Echo} of {@code tenant}, named {@code echo}, retried {@code retries} times on the error
   * codes in {@code retryOn} (any when null), cached when {@code cache}.
   */
  public static FunctionDefinition echo(
      String tenant, int retries, List<String> retryOn, boolean cache, Instant createdAt) {
    return new FunctionDefinition(
        "fn-" + UUID.randomUUID(),
        tenant,
        "echo",
        "java",
        Json.readTree("{\"class\":\"dev.gale.function.builtin.Echo\"}"),
        null,
        null,
        retries,
        retryOn,
        null,
        cache,
        false,
        createdAt);
  }
}
