package dev.gale.gateway.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.Json;
import dev.gale.api.RawJson;
import dev.gale.api.protocol.FunctionSpec;
import dev.gale.api.protocol.TaskAssignment;
import dev.gale.api.protocol.TaskBatch;
import dev.gale.api.protocol.WorkerProtocol;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskBatchFramesTest {
  private final TaskBatchFrames frames = new TaskBatchFrames();

  @Test
  void writesTheSameFrameAsTheProtocolEncoder() {
    List<FunctionSpec> functions =
        List.of(
            new FunctionSpec(
                "fn-1", "shell", Json.readTree("{\"command\":[\"echo\",\"{x}\"]}"), 30),
            new FunctionSpec(
                "fn-2",
                "java",
                Json.readTree("{\"class\":\"a.B\"}"),
                null,
                Json.readTree("[{\"path\":\"o\",\"to\":\"s3://b/k\"}]"),
                "s3://b/r/"));
    List<TaskAssignment> tasks =
        List.of(
            new TaskAssignment("t1", 1, "fn-1", RawJson.of("{\"x\":\"é\\\"\"}")),
            new TaskAssignment("t2", 3, "fn-2", null),
            new TaskAssignment("t3", 2, "fn-2", RawJson.of("{\"n\":[1.50,{}]}")));
    for (int round = 0; round < 2; round++) { // the second round uses the kept specs
      assertThat(frames.encode(functions, tasks))
          .isEqualTo(WorkerProtocol.encode(new TaskBatch(functions, tasks)));
    }
  }

  @Test
  void aWorkerDecodesItBack() {
    List<FunctionSpec> functions =
        List.of(new FunctionSpec("fn-1", "python", Json.readTree("{\"source\":\"x\"}"), null));
    List<TaskAssignment> tasks = List.of(new TaskAssignment("t1", 1, "fn-1", RawJson.of("{}")));
    assertThat(WorkerProtocol.decode(frames.encode(functions, tasks)))
        .isEqualTo(new TaskBatch(functions, tasks));
  }
}
