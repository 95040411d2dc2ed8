package dev.gale.cli.commands.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import dev.gale.cli.commands.bench.GraphWorkloads.Slice;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BenchGraphWorkloadsTest {
  private static final ObjectNode ARGS = Json.object().put("seconds", 0);

  @Test
  void chainEntryDependsOnThePreviousOneByRef() {
    JsonNode tasks = GraphWorkloads.chainBatch("fn-1", ARGS, new Slice(0, 3), null).get("tasks");

    assertThat(tasks).hasSize(3);
    assertThat(tasks.get(0).get("ref").asText()).isEqualTo("c0");
    assertThat(tasks.get(0).get("function").asText()).isEqualTo("fn-1");
    assertThat(tasks.get(0).get("args").has("prev")).isFalse();
    assertThat(tasks.get(0).get("args").get("seconds").asInt()).isZero();
    assertThat(tasks.get(1).get("args").get("prev")).isEqualTo(Json.object().put("$ref", "c0"));
    assertThat(tasks.get(2).get("args").get("prev")).isEqualTo(Json.object().put("$ref", "c1"));
    assertThat(ARGS.has("prev")).as("the shared args are copied, not changed").isFalse();
  }

  @Test
  void laterChainRequestStartsFromTheLastTaskOfTheEarlierOne() {
    JsonNode tasks =
        GraphWorkloads.chainBatch("fn-1", ARGS, new Slice(3, 5), "t-upstream").get("tasks");

    assertThat(tasks.get(0).get("ref").asText()).isEqualTo("c3");
    assertThat(tasks.get(0).get("args").get("prev"))
        .isEqualTo(Json.object().put("$task", "t-upstream"));
    assertThat(tasks.get(1).get("args").get("prev")).isEqualTo(Json.object().put("$ref", "c3"));
  }

  @Test
  void chainSlicesCoverEveryTaskOnce() {
    assertThat(GraphWorkloads.chainSlices(2500, 1000))
        .containsExactly(new Slice(0, 1000), new Slice(1000, 2000), new Slice(2000, 2500));
    assertThat(GraphWorkloads.chainSlices(1, 1000)).containsExactly(new Slice(0, 1));
  }

  @ParameterizedTest
  @CsvSource({
    "1, 2", "1, 3", "8, 10", "9, 10", "10, 10", "11, 10", "18, 10", "19, 10", "20, 10", "100, 7"
  })
  void fanoutRequestsStayWithinTheBatchLimitAndHoldEveryTask(int width, int maxBatch) {
    List<Slice> slices = GraphWorkloads.fanoutSlices(width, maxBatch);
    List<String> middleIds = new ArrayList<>();
    String rootId = null;
    int roots = 0;
    int sinks = 0;
    int middles = 0;
    for (int k = 0; k < slices.size(); k++) {
      Slice s = slices.get(k);
      boolean last = k == slices.size() - 1;
      JsonNode tasks =
          GraphWorkloads.fanoutBatch("fn", ARGS, width, s, last, rootId, List.copyOf(middleIds))
              .get("tasks");
      assertThat(tasks.size()).isBetween(1, maxBatch);
      for (JsonNode t : tasks) {
        String ref = t.get("ref").asText();
        if (ref.equals("root")) {
          roots++;
        } else if (ref.equals("sink")) {
          sinks++;
          assertThat(t.get("args").get("in")).hasSize(width);
        } else {
          middles++;
          middleIds.add("t-" + ref);
        }
      }
      rootId = "t-root";
    }
    assertThat(roots).isOne();
    assertThat(sinks).isOne();
    assertThat(middles).isEqualTo(width);
  }

  @Test
  void fanoutReferencesTheRootAndGathersEveryMiddleTaskInTheSink() {
    List<Slice> slices = GraphWorkloads.fanoutSlices(4, 3);
    assertThat(slices).containsExactly(new Slice(0, 2), new Slice(2, 4));

    JsonNode first =
        GraphWorkloads.fanoutBatch("fn", ARGS, 4, slices.get(0), false, null, List.of());
    assertThat(first.get("tasks")).hasSize(3);
    assertThat(first.get("tasks").get(0).get("ref").asText()).isEqualTo("root");
    assertThat(first.get("tasks").get(1).get("args").get("in"))
        .isEqualTo(Json.object().put("$ref", "root"));

    JsonNode second =
        GraphWorkloads.fanoutBatch(
            "fn", ARGS, 4, slices.get(1), true, "t-r", List.of("t-0", "t-1"));
    JsonNode tasks = second.get("tasks");
    assertThat(tasks).hasSize(3);
    assertThat(tasks.get(0).get("args").get("in")).isEqualTo(Json.object().put("$task", "t-r"));
    JsonNode in = tasks.get(2).get("args").get("in");
    assertThat(tasks.get(2).get("ref").asText()).isEqualTo("sink");
    assertThat(in.get(0)).isEqualTo(Json.object().put("$task", "t-0"));
    assertThat(in.get(1)).isEqualTo(Json.object().put("$task", "t-1"));
    assertThat(in.get(2)).isEqualTo(Json.object().put("$ref", "m2"));
    assertThat(in.get(3)).isEqualTo(Json.object().put("$ref", "m3"));
  }

  @Test
  void refusesEmptyWorkloadsAndTooSmallBatches() {
    assertThatThrownBy(() -> GraphWorkloads.chainSlices(0, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one task");
    assertThatThrownBy(() -> GraphWorkloads.fanoutSlices(5, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 2");
    assertThatThrownBy(
            () ->
                GraphWorkloads.fanoutBatch("fn", ARGS, 4, new Slice(2, 4), true, "t-r", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("slice starts at 2");
    assertThatThrownBy(
            () -> GraphWorkloads.fanoutBatch("fn", ARGS, 4, new Slice(0, 2), true, null, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the sink goes after the last middle task");
  }

  @Test
  void readsTaskTimestampsAndTerminalStatesFromTheTaskJson() {
    JsonNode task =
        Json.readTree(
            "{\"state\":\"succeeded\",\"startedAt\":\"1970-01-01T00:00:01.500Z\","
                + "\"finishedAt\":2500,\"worker\":null}");
    assertThat(GraphRuns.millis(task, "startedAt")).isEqualTo(1500);
    assertThat(GraphRuns.millis(task, "finishedAt")).isEqualTo(2500);
    assertThat(GraphRuns.millis(task, "createdAt")).isEqualTo(-1);
    assertThat(GraphRuns.terminal(task)).isTrue();
    assertThat(GraphRuns.terminal(Json.readTree("{\"state\":\"waiting\"}"))).isFalse();
    assertThat(GraphRuns.terminal(Json.readTree("{\"state\":\"cancelled\"}"))).isTrue();
  }

  @Test
  void aTaskIsReleasableWhenItsUpstreamEndedOrWhenItArrivedIfLater() {
    JsonNode task = Json.readTree("{\"createdAt\":\"1970-01-01T00:00:02Z\"}");
    assertThat(GraphRuns.releasableAt(1000, task)).isEqualTo(2000);
    assertThat(GraphRuns.releasableAt(3000, task)).isEqualTo(3000);
    assertThat(GraphRuns.releasableAt(-1, task)).isEqualTo(-1);
  }
}
