package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.protocol.ResultBatch;
import dev.gale.api.protocol.TaskAssignment;
import dev.gale.api.protocol.TaskBatch;
import dev.gale.api.protocol.WorkerMessage;
import dev.gale.api.protocol.WorkerProtocol;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RawJsonTest {
  private record Holder(String a, RawJson value, int b) {}

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"x\":[1,2,{\"y\":\"}]\\\"\"}],\"z\":null}",
        "[]",
        "{}",
        "[{\"é\":\"ü\\u0000\"},[[]],1.50e+3]",
      })
  void anObjectOrArrayIsTheExactSliceOfItsSource(String value) throws Exception {
    String json = "{\"a\":\"s\",\"value\":" + value + ",\"b\":3}";
    Holder fromText =
        Json.mapper().readerFor(Holder.class).withAttribute(RawJson.SOURCE, json).readValue(json);
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    Holder fromBytes =
        Json.mapper().readerFor(Holder.class).withAttribute(RawJson.SOURCE, bytes).readValue(bytes);
    assertThat(fromText.value().json()).isEqualTo(value);
    assertThat(fromBytes.value().json()).isEqualTo(value);
    assertThat(fromText.b()).isEqualTo(3);
    assertThat(fromBytes.b()).isEqualTo(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"t\\\"x\"", "12", "-1.250", "1e-05", "true", "false"})
  void aScalarIsCopiedWithItsText(String value) {
    Holder h = Json.readSliced("{\"value\":" + value + ",\"b\":1}", Holder.class);
    assertThat(h.value().json()).isEqualTo(value);
  }

  @Test
  void withoutASourceAStructureIsCopiedCompactly() {
    Holder h = Json.read("{\"value\": { \"k\" : [ 1 , 2.50 ] } }", Holder.class);
    assertThat(h.value().json()).isEqualTo("{\"k\":[1,2.50]}");
  }

  @Test
  void aMessageWhoseTypeComesLastIsStillReadCorrectly() {
    // the type id after the fields makes Jackson buffer the tokens: no slice, a copy
    String frame =
        "{\"functions\":[],\"tasks\":[{\"taskId\":\"t1\",\"attempt\":1,\"function\":\"f\","
            + "\"args\":{\"a\": [1, 2]}}],\"type\":\"tasks\"}";
    WorkerMessage m = WorkerProtocol.decode(frame);
    TaskAssignment a = ((TaskBatch) m).tasks().get(0);
    assertThat(a.args().json()).isEqualTo("{\"a\":[1,2]}");
  }

  @Test
  void resultsOfAResultBatchAreSlicedAndRoundTrip() {
    String frame =
        "{\"type\":\"results\",\"results\":[{\"taskId\":\"t1\",\"attempt\":2,\"ok\":true,"
            + "\"result\":{\"i\":1,\"s\":[\"x\"]},\"startedAt\":\"2026-05-01T12:00:00.123456Z\","
            + "\"finishedAt\":\"2026-05-01T12:00:01Z\"}]}";
    ResultBatch rb = (ResultBatch) WorkerProtocol.decode(frame);
    assertThat(rb.results().get(0).result().json()).isEqualTo("{\"i\":1,\"s\":[\"x\"]}");
    assertThat(WorkerProtocol.encode(rb)).isEqualTo(frame);
  }

  @Test
  void aBrokenValueIsInvalidJson() {
    assertThatThrownBy(() -> Json.readSliced("{\"value\":{\"k\":[1,}", Holder.class))
        .isInstanceOf(InvalidRequestException.class);
    assertThat(Json.readSliced("{\"value\":null}", Holder.class).value()).isNull();
    assertThat(List.of()).isEmpty();
  }
}
