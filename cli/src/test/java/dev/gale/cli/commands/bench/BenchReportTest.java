package dev.gale.cli.commands.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BenchReportTest {
  private static final MachineFacts MACHINE =
      new MachineFacts(2, 8L << 30, "Linux 6.1 amd64", "17.0.12 (Debian)", 1.5);

  @Test
  void reportHoldsModeParametersMachineFiguresAndErrors() {
    ObjectNode figures = Json.object().put("tasksPerSecond", 1234).put("seconds", 0.5);
    BenchReport report =
        new BenchReport(
            "chain",
            "java",
            "http://127.0.0.1:8080",
            true,
            Instant.parse("2026-01-02T03:04:05Z"),
            Json.object().put("tasks", 50).put("batch", 1000),
            MACHINE,
            figures,
            3,
            7);

    JsonNode json = Json.readTree(report.toJson().toString());

    assertThat(json.get("mode").asText()).isEqualTo("chain");
    assertThat(json.get("kind").asText()).isEqualTo("java");
    assertThat(json.get("url").asText()).isEqualTo("http://127.0.0.1:8080");
    assertThat(json.get("startedService").asBoolean()).isTrue();
    assertThat(json.get("startedAt").asText()).isEqualTo("2026-01-02T03:04:05Z");
    assertThat(json.get("parameters").get("tasks").asInt()).isEqualTo(50);
    assertThat(json.get("machine").get("cores").asInt()).isEqualTo(2);
    assertThat(json.get("machine").get("memoryBytes").asLong()).isEqualTo(8L << 30);
    assertThat(json.get("machine").get("os").asText()).isEqualTo("Linux 6.1 amd64");
    assertThat(json.get("machine").get("java").asText()).startsWith("17.");
    assertThat(json.get("machine").get("loadAverage").asDouble()).isEqualTo(1.5);
    assertThat(json.get("figures").get("tasksPerSecond").asInt()).isEqualTo(1234);
    assertThat(json.get("errors").get("failedTasks").asLong()).isEqualTo(3);
    assertThat(json.get("errors").get("throttledRequests").asLong()).isEqualTo(7);
  }

  @Test
  void reportKeepsItsOwnCopyOfTheFigures() {
    ObjectNode figures = Json.object().put("seconds", 1.0);
    BenchReport report =
        new BenchReport(
            "fanout", "shell", "u", false, Instant.EPOCH, Json.object(), MACHINE, figures, 0, 0);
    ObjectNode json = report.toJson();
    figures.put("seconds", 2.0);
    assertThat(json.get("figures").get("seconds").asDouble()).isEqualTo(1.0);
  }

  @Test
  void reportNeedsModeAndFigures() {
    assertThatThrownBy(
            () ->
                new BenchReport(
                    null, "java", "u", false, Instant.EPOCH, Json.object(), MACHINE, null, 0, 0))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("mode");
  }

  @Test
  void machineFactsDescribeThisMachine() {
    MachineFacts here = MachineFacts.current();
    assertThat(here.cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(here.os()).contains(System.getProperty("os.name"));
    assertThat(here.java()).contains(System.getProperty("java.version"));
    assertThat(here.toJson().has("memoryBytes")).isTrue();
  }

  @Test
  void percentilesUseNearestRank() {
    long[] nanos = new long[100];
    for (int i = 0; i < 100; i++) {
      nanos[99 - i] = (i + 1) * 1_000_000L;
    }
    Percentiles p = Percentiles.ofNanos(nanos);
    assertThat(p.count()).isEqualTo(100);
    assertThat(p.p50Ms()).isEqualTo(50.0);
    assertThat(p.p90Ms()).isEqualTo(90.0);
    assertThat(p.p99Ms()).isEqualTo(99.0);
    assertThat(p.maxMs()).isEqualTo(100.0);
    assertThat(p.meanMs()).isEqualTo(50.5);
    assertThat(Percentiles.ofMillis(new long[] {3}).p99Ms()).isEqualTo(3.0);
    assertThatThrownBy(() -> Percentiles.ofNanos(new long[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
