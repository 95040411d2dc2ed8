package dev.gale.transfer.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.transfer.StagingException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputSpecTest {
  @Test
  void parsesOutputsAndRefusesMalformedOnesNamingTheEntry() {
    var specs =
        OutputSpec.parseAll(
            Json.readTree(
                "[{\"path\": \"a.csv\", \"to\": \"s3://b/{x}.csv\"},"
                    + " {\"path\": \"d/e\", \"to\": \"file:///o\", \"optional\": true}]"));
    assertThat(specs)
        .containsExactly(
            new OutputSpec("a.csv", "s3://b/{x}.csv", false),
            new OutputSpec("d/e", "file:///o", true));
    assertThat(OutputSpec.parseAll(null)).isEmpty();

    assertThatThrownBy(() -> OutputSpec.parseAll(Json.readTree("{\"path\": \"a\"}")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("outputs must be an array");
    assertThatThrownBy(() -> OutputSpec.parseAll(Json.readTree("[{\"path\": \"a\"}]")))
        .hasMessageContaining("outputs[0].to must be a URL");
    assertThatThrownBy(
            () ->
                OutputSpec.parseAll(
                    Json.readTree("[{\"path\": \"/etc/passwd\", \"to\": \"s3://b/k\"}]")))
        .hasMessageContaining("outputs[0].path must stay inside");
    assertThatThrownBy(
            () ->
                OutputSpec.parseAll(
                    Json.readTree("[{\"path\": \"a/../../b\", \"to\": \"s3://b/k\"}]")))
        .hasMessageContaining("must stay inside");
    assertThatThrownBy(
            () ->
                OutputSpec.parseAll(
                    Json.readTree("[{\"path\": \"a\", \"to\": \"s3://b/k\", \"mode\": 1}]")))
        .hasMessageContaining("unknown member 'mode'");
  }

  @Test
  void fillsPlaceholdersKeepingEachValueInOnePathSegment() {
    OutputSpec spec = new OutputSpec("o", "s3://b/{run}/{name}.csv", false);
    assertThat(spec.placeholders()).containsExactly("run", "name");
    assertThat(spec.destination(Map.of("run", "7", "name", "a b/../c")))
        .isEqualTo("s3://b/7/a%20b%2F..%2Fc.csv");
    assertThat(spec.destination(Map.of("run", "ü", "name", "x~y")))
        .isEqualTo("s3://b/%C3%BC/x~y.csv");
    assertThatThrownBy(() -> spec.destination(Map.of("run", "..", "name", "x")))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("may not be '..'");
  }

  @Test
  void variablesAreTheStringFormsOfTopLevelArgs() {
    var vars =
        OutputSpec.variables(
            Json.readTree(
                "{\"s\": \"text\", \"n\": 1.50, \"b\": true, \"o\": {\"k\": [1]}, \"z\": null}"));
    assertThat(vars)
        .containsEntry("s", "text")
        .containsEntry("n", "1.5") // as the JSON tree renders it; see stageOut(List, Map, Path)
        .containsEntry("b", "true")
        .containsEntry("o", "{\"k\":[1]}")
        .containsEntry("z", "null");
  }
}
