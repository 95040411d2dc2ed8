package dev.gale.api.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.ErrorInfo;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.api.RawJson;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerProtocolTest {

  @Test
  void taskBatchRoundTripsWithArgsKeptVerbatim() {
    var batch =
        new TaskBatch(
            List.of(
                new FunctionSpec("fn-1", "shell", Json.readTree("{\"command\":[\"true\"]}"), 5)),
            List.of(new TaskAssignment("t1", 2, "fn-1", RawJson.of("{\"n\":1,\"s\":[1,2]}"))));
    String frame = WorkerProtocol.encode(batch);
    assertThat(frame).contains("\"type\":\"tasks\"").contains("{\"n\":1,\"s\":[1,2]}");
    assertThat(WorkerProtocol.decode(frame)).isEqualTo(batch);
  }

  @Test
  void functionOutputsAndResultToRoundTrip() {
    var batch =
        new TaskBatch(
            List.of(
                new FunctionSpec(
                    "fn-2",
                    "shell",
                    Json.readTree("{\"command\":[\"true\"]}"),
                    null,
                    Json.readTree("[{\"path\":\"out.txt\",\"to\":\"s3://b/{n}.txt\"}]"),
                    "s3://b/results")),
            List.of());
    TaskBatch back = (TaskBatch) WorkerProtocol.decode(WorkerProtocol.encode(batch));
    assertThat(back).isEqualTo(batch);
    assertThat(back.functions().get(0).resultTo()).isEqualTo("s3://b/results");
  }

  @Test
  void resultWithErrorRoundTrips() {
    var r =
        new ResultBatch(
            List.of(
                new TaskResult(
                    "t1",
                    1,
                    false,
                    null,
                    ErrorInfo.of("timeout", "took too long"),
                    Instant.parse("2026-01-01T00:00:00Z"),
                    Instant.parse("2026-01-01T00:00:01Z"))));
    assertThat(WorkerProtocol.decode(WorkerProtocol.encode(r))).isEqualTo(r);
  }

  @Test
  void unknownMessageTypeIsRejectedClearly() {
    assertThatThrownBy(() -> WorkerProtocol.decode("{\"type\":\"nope\"}"))
        .isInstanceOf(InvalidRequestException.class);
  }
}
