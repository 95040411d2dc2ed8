package dev.gale.benchmarks;

import dev.gale.api.FunctionDefinition;
import dev.gale.api.Json;
import dev.gale.api.RawJson;
import dev.gale.api.Task;
import dev.gale.api.TaskState;
import dev.gale.scheduler.NewTask;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Test data of the benchmarks: a typical function, task and stored task record. */
final class Samples {
  static final String TENANT = "bench";
  static final String POOL = "default";

  /** The built-in Echo, as the gateway stores it. */
  static final FunctionDefinition ECHO =
      new FunctionDefinition(
          "fn-01HF3QBENCH0000000000000",
          TENANT,
          "bench-echo",
          "java",
          Json.object().put("class", "dev.gale.function.builtin.Echo"),
          POOL,
          null,
          0,
          null,
          null,
          false,
          false,
          Instant.parse("2026-01-01T00:00:00Z"));

  private Samples() {}

  /** {@code n} independent Echo tasks with small args, as {@code POST /v1/tasks} submits them. */
  static List<NewTask> newTasks(int n) {
    List<NewTask> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new NewTask(TENANT, ECHO, RawJson.of("{\"i\":" + i + "}"), POOL, 0));
    }
    return out;
  }

  /** A finished task as {@code GET /v1/tasks/{id}} answers it. */
  static Task finishedTask() {
    return new Task(
        "t-01HF3QBENCH00000000000001",
        TENANT,
        ECHO.id(),
        ECHO.name(),
        "java",
        POOL,
        0,
        TaskState.SUCCEEDED,
        1,
        RawJson.of("{\"i\":42,\"name\":\"sample\"}"),
        null,
        null,
        Instant.parse("2026-01-01T00:00:01.123Z"),
        Instant.parse("2026-01-01T00:00:01.125Z"),
        Instant.parse("2026-01-01T00:00:01.126Z"),
        "w-local-1",
        null,
        null);
  }

  /**
   * A succeeded task record in the stored shape of {@code TaskRecordCodec} (version 1), with one
   * dependency and one dependent, as the task table holds it.
   */
  static byte[] storedRecord() {
    String json =
        "{\"v\":1,\"id\":\"t-01HF3QBENCH00000000000001\",\"tenant\":\"bench\","
            + "\"functionId\":\"fn-01HF3QBENCH0000000000000\",\"functionName\":\"bench-echo\","
            + "\"kind\":\"java\",\"pool\":\"default\",\"priority\":0,\"state\":\"succeeded\","
            + "\"attempts\":1,\"maxRetries\":0,\"args\":\"{\\\"i\\\":42,\\\"up\\\":{\\\"$task\\\":"
            + "\\\"t-01HF3QBENCH00000000000000\\\"}}\",\"result\":\"{\\\"i\\\":42}\","
            + "\"createdAt\":1767225601123,\"startedAt\":1767225601125,"
            + "\"finishedAt\":1767225601126,\"worker\":\"w-local-1\","
            + "\"deps\":[\"t-01HF3QBENCH00000000000000\"],"
            + "\"depResults\":{\"t-01HF3QBENCH00000000000000\":\"{\\\"slept\\\":0}\"},"
            + "\"dependents\":[\"t-01HF3QBENCH00000000000002\"],\"retryMask\":15,"
            + "\"cache\":false,\"cacheKey\":null,\"cached\":false}";
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
