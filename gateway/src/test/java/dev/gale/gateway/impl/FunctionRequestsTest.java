package dev.gale.gateway.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.FunctionDefinition;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FunctionRequestsTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  private static FunctionDefinition parse(String json) {
    return FunctionRequests.parse(Json.readTree(json), "fn-1", "acme", NOW);
  }

  private static void rejects(String json, String field) {
    assertThatThrownBy(() -> parse(json))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.code()).isEqualTo("invalid_request");
              assertThat(e.details().get("field").asText()).isEqualTo(field);
              assertThat(e.getMessage()).contains(field);
            });
  }

  @Test
  void aValidShellFunctionIsAcceptedWithDefaults() {
    FunctionDefinition f =
        parse(
            "{\"name\":\"wc\",\"kind\":\"shell\",\"spec\":{\"command\":[\"wc\",\"-l\",\"{path}\"],\"env\":{\"LC_ALL\":\"C\"}}}");
    assertThat(f.id()).isEqualTo("fn-1");
    assertThat(f.tenant()).isEqualTo("acme");
    assertThat(f.kind()).isEqualTo("shell");
    assertThat(f.retries()).isZero();
    assertThat(f.timeoutSeconds()).isNull();
    assertThat(f.isPublic()).isFalse();
    assertThat(f.pool()).isNull();
    assertThat(f.createdAt()).isEqualTo(NOW);
  }

  @Test
  void aValidPythonAndJavaFunctionAreAccepted() {
    FunctionDefinition p =
        parse(
            "{\"name\":\"add\",\"kind\":\"python\",\"spec\":{\"source\":\"def add(a,b): return a+b\",\"entrypoint\":\"add\"},"
                + "\"pool\":\"gpu\",\"retries\":2,\"timeoutSeconds\":30,\"public\":true,\"cache\":true,\"resources\":{\"cpu\":1}}");
    assertThat(p.retries()).isEqualTo(2);
    assertThat(p.timeoutSeconds()).isEqualTo(30);
    assertThat(p.isPublic()).isTrue();
    assertThat(p.cache()).isTrue();
    assertThat(p.pool()).isEqualTo("gpu");
    FunctionDefinition j =
        parse(
            "{\"name\":\"e\",\"kind\":\"java\",\"spec\":{\"class\":\"dev.gale.function.builtin.Echo$Inner\",\"artifact\":\"sha256:"
                + "a".repeat(64)
                + "\"}}");
    assertThat(FunctionRequests.artifactOf(j)).isEqualTo("sha256:" + "a".repeat(64));
    assertThat(FunctionRequests.artifactOf(p)).isNull();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{}|name",
        "{\"name\":\"\",\"kind\":\"shell\",\"spec\":{}}|name",
        "{\"name\":\"   \",\"kind\":\"shell\",\"spec\":{}}|name",
        "{\"name\":7,\"kind\":\"shell\",\"spec\":{}}|name",
        "{\"name\":\"f\"}|kind",
        "{\"name\":\"f\",\"kind\":3,\"spec\":{}}|kind",
        "{\"name\":\"f\",\"kind\":\"ruby\",\"spec\":{}}|kind",
        "{\"name\":\"f\",\"kind\":\"shell\"}|spec",
        "{\"name\":\"f\",\"kind\":\"shell\",\"spec\":[]}|spec",
        "{\"name\":\"f\",\"kind\":\"shell\",\"spec\":{}}|spec.command",
        "{\"name\":\"f\",\"kind\":\"shell\",\"spec\":{\"command\":[]}}|spec.command",
        "{\"name\":\"f\",\"kind\":\"shell\",\"spec\":{\"command\":\"ls -l\"}}|spec.command",
        "{\"name\":\"f\",\"kind\":\"shell\",\"spec\":{\"command\":[\"ls\",3]}}|spec.command[1]",
        "{\"name\":\"f\",\"kind\":\"shell\",\"spec\":{\"command\":[\"\"]}}|spec.command[0]",
        "{\"name\":\"f\",\"kind\":\"shell\",\"spec\":{\"command\":[\"ls\"],\"env\":[]}}|spec.env",
        "{\"name\":\"f\",\"kind\":\"shell\",\"spec\":{\"command\":[\"ls\"],\"env\":{\"A\":1}}}|spec.env.A",
        "{\"name\":\"f\",\"kind\":\"shell\",\"spec\":{\"command\":[\"ls\"],\"env\":{\"A=B\":\"x\"}}}|spec.env",
        "{\"name\":\"f\",\"kind\":\"python\",\"spec\":{\"entrypoint\":\"f\"}}|spec.source",
        "{\"name\":\"f\",\"kind\":\"python\",\"spec\":{\"source\":7,\"entrypoint\":\"f\"}}|spec.source",
        "{\"name\":\"f\",\"kind\":\"python\",\"spec\":{\"source\":\"x\"}}|spec.entrypoint",
        "{\"name\":\"f\",\"kind\":\"python\",\"spec\":{\"source\":\"x\",\"entrypoint\":\"1f\"}}|spec.entrypoint",
        "{\"name\":\"f\",\"kind\":\"python\",\"spec\":{\"source\":\"x\",\"entrypoint\":\"a.b\"}}|spec.entrypoint",
        "{\"name\":\"f\",\"kind\":\"python\",\"spec\":{\"source\":\"x\",\"entrypoint\":\"def\"}}|spec.entrypoint",
        "{\"name\":\"f\",\"kind\":\"java\",\"spec\":{}}|spec.class",
        "{\"name\":\"f\",\"kind\":\"java\",\"spec\":{\"class\":\"org..Add\"}}|spec.class",
        "{\"name\":\"f\",\"kind\":\"java\",\"spec\":{\"class\":\"org.example.Add;\"}}|spec.class",
        "{\"name\":\"f\",\"kind\":\"java\",\"spec\":{\"class\":\"org.class.Add\"}}|spec.class",
        "{\"name\":\"f\",\"kind\":\"java\",\"spec\":{\"class\":\"1Add\"}}|spec.class",
        "{\"name\":\"f\",\"kind\":\"java\",\"spec\":{\"class\":\"a.B\",\"artifact\":\"md5:abc\"}}|spec.artifact",
        "{\"name\":\"f\",\"kind\":\"java\",\"spec\":{\"class\":\"a.B\",\"artifact\":\"sha256:ABC\"}}|spec.artifact",
        "{\"name\":\"f\",\"kind\":\"java\",\"spec\":{\"class\":\"a.B\"},\"retries\":-1}|retries",
        "{\"name\":\"f\",\"kind\":\"java\",\"spec\":{\"class\":\"a.B\"},\"retries\":101}|retries",
        "{\"name\":\"f\",\"kind\":\"java\",\"spec\":{\"class\":\"a.B\"},\"retries\":1.5}|retries",
        "{\"name\":\"f\",\"kind\":\"java\",\"spec\":{\"class\":\"a.B\"},\"retries\":\"2\"}|retries",
        "{\"name\":\"f\",\"kind\":\"java\",\"spec\":{\"class\":\"a.B\"},\"timeoutSeconds\":0}|timeoutSeconds",
        "{\"name\":\"f\",\"kind\":\"java\",\"spec\":{\"class\":\"a.B\"},\"timeoutSeconds\":86401}|timeoutSeconds",
        "{\"name\":\"f\",\"kind\":\"java\",\"spec\":{\"class\":\"a.B\"},\"pool\":\"a b\"}|pool",
        "{\"name\":\"f\",\"kind\":\"java\",\"spec\":{\"class\":\"a.B\"},\"pool\":5}|pool",
        "{\"name\":\"f\",\"kind\":\"java\",\"spec\":{\"class\":\"a.B\"},\"public\":\"yes\"}|public",
        "{\"name\":\"f\",\"kind\":\"java\",\"spec\":{\"class\":\"a.B\"},\"cache\":1}|cache",
        "{\"name\":\"f\",\"kind\":\"java\",\"spec\":{\"class\":\"a.B\"},\"resources\":[]}|resources",
        "[]|body",
        "42|body",
      })
  void eachBadFieldIsRejectedNamingTheField(String json, String field) {
    rejects(json, field);
  }

  @Test
  void aNameLongerThan200CharactersIsRejected() {
    rejects(
        "{\"name\":\"" + "n".repeat(201) + "\",\"kind\":\"shell\",\"spec\":{\"command\":[\"ls\"]}}",
        "name");
    assertThat(
            parse(
                    "{\"name\":\""
                        + "n".repeat(200)
                        + "\",\"kind\":\"shell\",\"spec\":{\"command\":[\"ls\"]}}")
                .name())
        .hasSize(200);
  }

  @Test
  void anUnknownKindListsTheKnownKinds() {
    assertThatThrownBy(() -> parse("{\"name\":\"f\",\"kind\":\"ruby\",\"spec\":{}}"))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.getMessage()).contains("shell, python, java");
              assertThat(e.details().get("known").toString())
                  .isEqualTo("[\"shell\",\"python\",\"java\"]");
            });
  }

  @Test
  void nullOptionalFieldsCountAsAbsent() {
    FunctionDefinition f =
        parse(
            "{\"name\":\"f\",\"kind\":\"java\",\"spec\":{\"class\":\"a.B\",\"artifact\":null},\"retries\":null,\"pool\":null}");
    assertThat(f.retries()).isZero();
    assertThat(FunctionRequests.artifactOf(f)).isNull();
  }

  @Test
  void newIdsAreFnPlusRandomCharacters() {
    assertThat(FunctionRequests.newId()).matches("fn-[0-9a-z]{24}");
    assertThat(FunctionRequests.newId()).isNotEqualTo(FunctionRequests.newId());
  }

  @Test
  void unknownArtifactHasItsOwnCode() {
    assertThat(FunctionRequests.unknownArtifact("sha256:00").code()).isEqualTo("unknown_artifact");
  }

  private static final String SHELL =
      "{\"name\":\"c\",\"kind\":\"shell\",\"spec\":{\"command\":[\"cat\"]}";

  @Test
  void outputsAndResultToAreKept() {
    FunctionDefinition f =
        parse(
            SHELL
                + ",\"outputs\":[{\"path\":\"out.txt\",\"to\":\"s3://b/{name}.txt\",\"optional\":true}],"
                + "\"resultTo\":\"s3://b/results\"}");
    assertThat(f.outputs().get(0).get("to").asText()).isEqualTo("s3://b/{name}.txt");
    assertThat(f.resultTo()).isEqualTo("s3://b/results");
    assertThat(parse(SHELL + "}").outputs()).isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"outputs\":[{\"path\":\"../etc/passwd\",\"to\":\"s3://b/k\"}]|outputs",
        "\"outputs\":[{\"path\":\"/etc/passwd\",\"to\":\"s3://b/k\"}]|outputs",
        "\"outputs\":[{\"path\":\"a/../../x\",\"to\":\"s3://b/k\"}]|outputs",
        "\"outputs\":[{\"path\":\"out\",\"to\":\"not a url\"}]|outputs",
        "\"outputs\":[{\"path\":\"out\",\"to\":\"s3://b/k\",\"mode\":1}]|outputs",
        "\"outputs\":{\"path\":\"out\"}|outputs",
        "\"resultTo\":\"results\"|resultTo",
        "\"resultTo\":5|resultTo"
      })
  void badOutputsAndResultToAreRefused(String member, String field) {
    rejects(SHELL + "," + member + "}", field);
  }
}
