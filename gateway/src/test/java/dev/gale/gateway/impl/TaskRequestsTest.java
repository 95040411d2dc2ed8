package dev.gale.gateway.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.GaleException;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.api.PayloadTooLargeException;
import dev.gale.api.Role;
import dev.gale.api.TaskState;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaskRequestsTest {
  private static final int MAX_ARGS = 100;

  private static byte[] bytes(String json) {
    return json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void rejects(
      ThrowingCallable call, Class<? extends GaleException> type, String field) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            type, e -> assertThat(e.details().get("field").asText()).isEqualTo(field));
  }

  @Test
  void anEmptyInvocationBodyMeansEmptyArgsAndNoWait() {
    TaskRequests.Invoke i = TaskRequests.invoke(new byte[0], MAX_ARGS, 60);
    assertThat(i.args()).isEqualTo("{}");
    assertThat(i.pool()).isNull();
    assertThat(i.priority()).isNull();
    assertThat(i.waitSeconds()).isZero();
  }

  @Test
  void anInvocationKeepsArgsPoolPriorityAndCapsTheWait() {
    TaskRequests.Invoke i =
        TaskRequests.invoke(
            bytes("{\"args\":{\"a\":[1,2]},\"pool\":\"gpu\",\"priority\":-3,\"wait\":600}"),
            MAX_ARGS,
            60);
    assertThat(i.args()).isEqualTo("{\"a\":[1,2]}");
    assertThat(i.pool()).isEqualTo("gpu");
    assertThat(i.priority()).isEqualTo(-3);
    assertThat(i.waitSeconds()).isEqualTo(60);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"args\":[1]}|args",
        "{\"args\":\"x\"}|args",
        "{\"args\":3}|args",
        "{\"priority\":\"high\"}|priority",
        "{\"priority\":1.5}|priority",
        "{\"priority\":99999999999}|priority",
        "{\"wait\":-1}|wait",
        "{\"wait\":\"5\"}|wait",
        "{\"pool\":\"\"}|pool",
        "{\"pool\":\"a/b\"}|pool",
        "[1]|body",
      })
  void badInvocationFieldsAreRejectedByName(String json, String field) {
    rejects(
        () -> TaskRequests.invoke(bytes(json), MAX_ARGS, 60), InvalidRequestException.class, field);
  }

  @Test
  void argsLargerThanTheLimitAre413NamingArgs() {
    String args = "{\"args\":{\"s\":\"" + "é".repeat(50) + "\"}}";
    rejects(
        () -> TaskRequests.invoke(bytes(args), MAX_ARGS, 60),
        PayloadTooLargeException.class,
        "args");
    assertThatThrownBy(() -> TaskRequests.invoke(bytes(args), MAX_ARGS, 60))
        .isInstanceOfSatisfying(
            PayloadTooLargeException.class, e -> assertThat(e.code()).isEqualTo("too_large"));
  }

  @Test
  void aBatchIsParsedInOrderWithArgsUntouched() {
    List<TaskRequests.Entry> entries =
        TaskRequests.batch(
            bytes(
                "{\"tasks\":[{\"ref\":\"a\",\"function\":\"fn-1\",\"args\":{\"x\":{\"$ref\":\"b\"}}},"
                    + "{\"ref\":\"b\",\"function\":\"fn-2\",\"pool\":\"p\",\"priority\":5}]}"),
            MAX_ARGS,
            10);
    assertThat(entries).hasSize(2);
    assertThat(entries.get(0).args()).isEqualTo("{\"x\":{\"$ref\":\"b\"}}");
    assertThat(entries.get(1).args()).isEqualTo("{}");
    assertThat(entries.get(1).pool()).isEqualTo("p");
    assertThat(entries.get(1).priority()).isEqualTo(5);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{}|tasks",
        "{\"tasks\":{}}|tasks",
        "{\"tasks\":[]}|tasks",
        "{\"tasks\":[1]}|tasks[0]",
        "{\"tasks\":[{}]}|tasks[0].function",
        "{\"tasks\":[{\"function\":5}]}|tasks[0].function",
        "{\"tasks\":[{\"function\":\"f\"},{\"function\":\"f\",\"args\":[]}]}|tasks[1].args",
        "{\"tasks\":[{\"function\":\"f\",\"priority\":\"1\"}]}|tasks[0].priority",
        "{\"tasks\":[{\"function\":\"f\",\"pool\":\"x y\"}]}|tasks[0].pool",
        "{\"tasks\":[{\"function\":\"f\",\"ref\":\"a\"},{\"function\":\"f\",\"ref\":\"a\"}]}|tasks[1].ref",
        "{\"tasks\":[{\"function\":\"f\",\"ref\":\"\"}]}|tasks[0].ref",
      })
  void oneBadEntryRejectsTheBatchNamingIt(String json, String field) {
    rejects(
        () -> TaskRequests.batch(bytes(json), MAX_ARGS, 10), InvalidRequestException.class, field);
  }

  @Test
  void aBatchOverTheMaximumSizeIsRejected() {
    StringBuilder sb = new StringBuilder("{\"tasks\":[");
    for (int i = 0; i < 11; i++) {
      sb.append(i == 0 ? "" : ",").append("{\"function\":\"f\"}");
    }
    rejects(
        () -> TaskRequests.batch(bytes(sb + "]}"), MAX_ARGS, 10),
        InvalidRequestException.class,
        "tasks");
  }

  @Test
  void waitBodiesNeedIdsAndANonNegativeWait() {
    TaskRequests.Wait w =
        TaskRequests.waitFor(bytes("{\"ids\":[\"a\",\"b\",\"a\"],\"wait\":3.5}"), 10, 60);
    assertThat(w.ids()).containsExactly("a", "b", "a");
    assertThat(w.waitSeconds()).isEqualTo(3.5);
    rejects(() -> TaskRequests.waitFor(bytes("{}"), 10, 60), InvalidRequestException.class, "ids");
    rejects(
        () -> TaskRequests.waitFor(bytes("{\"ids\":[]}"), 10, 60),
        InvalidRequestException.class,
        "ids");
    rejects(
        () -> TaskRequests.waitFor(bytes("{\"ids\":[1]}"), 10, 60),
        InvalidRequestException.class,
        "ids[0]");
    rejects(
        () -> TaskRequests.waitFor(bytes("{\"ids\":[\"a\"],\"wait\":-2}"), 10, 60),
        InvalidRequestException.class,
        "wait");
  }

  @Test
  void queryParametersAreCheckedAndDefaulted() {
    assertThat(TaskRequests.waitParam(null, 60)).isZero();
    assertThat(TaskRequests.waitParam("2.5", 60)).isEqualTo(2.5);
    assertThat(TaskRequests.waitParam("999", 60)).isEqualTo(60);
    rejects(() -> TaskRequests.waitParam("soon", 60), InvalidRequestException.class, "wait");
    rejects(() -> TaskRequests.waitParam("-1", 60), InvalidRequestException.class, "wait");
    rejects(() -> TaskRequests.waitParam("NaN", 60), InvalidRequestException.class, "wait");
    assertThat(TaskRequests.limitParam(null)).isEqualTo(100);
    assertThat(TaskRequests.limitParam("1000")).isEqualTo(1000);
    rejects(() -> TaskRequests.limitParam("1001"), InvalidRequestException.class, "limit");
    rejects(() -> TaskRequests.limitParam("ten"), InvalidRequestException.class, "limit");
    assertThat(TaskRequests.stateParam("running")).isEqualTo(TaskState.RUNNING);
    assertThat(TaskRequests.stateParam("")).isNull();
    rejects(() -> TaskRequests.stateParam("done"), InvalidRequestException.class, "state");
  }

  @Test
  void tokenRequestsNeedATenantAndAKnownRole() {
    TaskRequests.TokenRequest t =
        TaskRequests.token(
            Json.readTree("{\"tenant\":\"acme\",\"role\":\"worker\",\"pool\":\"gpu\"}"));
    assertThat(t.role()).isEqualTo(Role.WORKER);
    assertThat(t.pool()).isEqualTo("gpu");
    rejects(
        () -> TaskRequests.token(Json.readTree("{\"role\":\"user\"}")),
        InvalidRequestException.class,
        "tenant");
    rejects(
        () -> TaskRequests.token(Json.readTree("{\"tenant\":\"a\",\"role\":\"root\"}")),
        InvalidRequestException.class,
        "role");
  }

  @Test
  void poolSettingsNeedAProviderAndSaneNumbers() {
    assertThat(
            TaskRequests.poolSettings(
                    Json.readTree("{\"provider\":\"slurm\",\"options\":{\"partition\":\"x\"}}"))
                .get("provider")
                .asText())
        .isEqualTo("slurm");
    rejects(
        () -> TaskRequests.poolSettings(Json.readTree("{}")),
        InvalidRequestException.class,
        "provider");
    rejects(
        () ->
            TaskRequests.poolSettings(Json.readTree("{\"provider\":\"local\",\"parallelism\":2}")),
        InvalidRequestException.class,
        "parallelism");
    rejects(
        () -> TaskRequests.poolSettings(Json.readTree("{\"provider\":\"local\",\"maxBlocks\":-1}")),
        InvalidRequestException.class,
        "maxBlocks");
    rejects(
        () -> TaskRequests.poolSettings(Json.readTree("{\"provider\":\"local\",\"options\":3}")),
        InvalidRequestException.class,
        "options");
  }

  @Test
  void utf8LengthCountsBytesNotCharacters() {
    assertThat(Fields.utf8Length("abc")).isEqualTo(3);
    assertThat(Fields.utf8Length("é")).isEqualTo(2);
    assertThat(Fields.utf8Length("€")).isEqualTo(3);
    assertThat(Fields.utf8Length("😀")).isEqualTo(4);
  }

  @Test
  void argsPassThroughAsSentWithoutBeingEncodedAgain() {
    String args = "{ \"s\": \"é\\u00e9\", \"n\": [1.50e3, {\"deep\": {\"er\": [[]]}}] }";
    TaskRequests.Invoke i =
        TaskRequests.invoke(bytes("{\"wait\":1, \"args\": " + args + " , \"x\":[{}]}"), 1000, 60);
    assertThat(i.args()).isEqualTo(args);
    List<TaskRequests.Entry> entries =
        TaskRequests.batch(
            bytes(
                "{\"other\":{\"a\":[{\"b\":{}}]},\"tasks\":[{\"function\":\"f\",\"args\":"
                    + args
                    + "}]}"),
            1000,
            10);
    assertThat(entries.get(0).args()).isEqualTo(args);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"priority\":\"x\",\"args\":{\"a\":[1,}}",
        "{\"args\":{\"a\":1}",
        "{\"tasks\":[{\"function\":5},",
        "nul",
      })
  void aBodyThatIsNotJsonIsInvalidJsonBeforeAnyFieldError(String json) {
    assertThatThrownBy(() -> TaskRequests.invoke(bytes(json), MAX_ARGS, 60))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo("invalid_json"));
    assertThatThrownBy(() -> TaskRequests.batch(bytes(json), MAX_ARGS, 10))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo("invalid_json"));
  }

  @Test
  void aNullOrBlankBodyIsHandledAsATreeWouldBe() {
    rejects(
        () -> TaskRequests.invoke(bytes("null"), MAX_ARGS, 60),
        InvalidRequestException.class,
        "body");
    assertThat(TaskRequests.invoke(bytes("  \n"), MAX_ARGS, 60).args()).isEqualTo("{}");
    rejects(
        () -> TaskRequests.batch(new byte[0], MAX_ARGS, 10), InvalidRequestException.class, "body");
    rejects(
        () -> TaskRequests.waitFor(bytes("[\"a\"]"), 10, 60),
        InvalidRequestException.class,
        "body");
    assertThat(TaskRequests.invoke(bytes("{\"args\":null,\"priority\":null}"), MAX_ARGS, 60).args())
        .isEqualTo("{}");
  }
}
