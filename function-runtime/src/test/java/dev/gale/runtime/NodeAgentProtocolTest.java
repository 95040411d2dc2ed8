package dev.gale.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.Json;
import dev.gale.api.RawJson;
import dev.gale.api.protocol.ArtifactRequest;
import dev.gale.api.protocol.FunctionSpec;
import dev.gale.api.protocol.Heartbeat;
import dev.gale.api.protocol.Hello;
import dev.gale.api.protocol.ResultBatch;
import dev.gale.api.protocol.TaskAssignment;
import dev.gale.api.protocol.TaskBatch;
import dev.gale.api.protocol.TaskResult;
import dev.gale.runtime.testfn.TestJars;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class NodeAgentProtocolTest extends AgentFixture {

  @Test
  void helloAnnouncesTheWorkerAndWelcomeMakesItConnected() {
    NodeAgent agent =
        startConnected(b -> b.pool("gpu").node("node-7").workerId("w-1").slots(3).prefetch(5));
    Hello hello = gateway.messages(Hello.class).get(0);
    assertThat(hello.workerId()).isEqualTo("w-1").isEqualTo(agent.workerId());
    assertThat(hello.pool()).isEqualTo("gpu");
    assertThat(hello.node()).isEqualTo("node-7");
    assertThat(hello.slots()).isEqualTo(3);
    assertThat(hello.prefetch()).isEqualTo(5);
    assertThat(hello.kinds()).containsExactly("java", "python", "shell");
    assertThat(hello.version()).isNotBlank();
    assertThat(gateway.authorizations).containsExactly("Bearer worker-secret");
  }

  @Test
  void runsABatchAndSendsResultsInBatchedFrames() {
    startConnected(b -> b);
    List<TaskAssignment> tasks = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      tasks.add(AgentFixture.task("t" + i, ECHO, "{\"i\":" + i + "}"));
    }
    gateway.send(new TaskBatch(List.of(ECHO), tasks));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.results().size() >= 500);
    List<TaskResult> results = gateway.results();
    assertThat(results).hasSize(500).allMatch(TaskResult::ok);
    // slots run concurrently, so results may arrive in any order: match them by task id
    assertThat(results)
        .allSatisfy(
            r ->
                assertThat(r.result())
                    .isEqualTo(RawJson.of("{\"i\":" + r.taskId().substring(1) + "}")));
    assertThat(results).extracting(TaskResult::taskId).doesNotHaveDuplicates();
    assertThat(results).allSatisfy(r -> assertThat(r.startedAt()).isNotNull());
    assertThat(gateway.messages(ResultBatch.class).size()).isLessThan(100);
  }

  @Test
  void heartbeatListsTheTasksOnTheWorker() {
    gateway.heartbeatSeconds = 1;
    startConnected(b -> b.slots(1).prefetch(1).drainTimeout(Duration.ofMillis(100)));
    gateway.send(
        batch(
            SLEEP, task("long", SLEEP, "{\"seconds\":5}"), task("next", SLEEP, "{\"seconds\":5}")));
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                gateway.messages(Heartbeat.class).stream()
                    .anyMatch(h -> h.running().containsAll(List.of("long", "next"))));
  }

  @Test
  void functionsThatCannotRunFailWithInvalidFunction() {
    startConnected(b -> b);
    FunctionSpec unknownKind = new FunctionSpec("odd", "cobol", Json.object(), null);
    FunctionSpec badSpec = new FunctionSpec("bad", "shell", Json.object(), null);
    gateway.send(batch(unknownKind, task("a", unknownKind, "{}")));
    gateway.send(batch(badSpec, task("b", badSpec, "{}")));
    gateway.send(new TaskBatch(List.of(), List.of(task("c", ECHO, "{}"))));
    TaskResult a = gateway.awaitResult("a", Duration.ofSeconds(5));
    assertThat(a.error().code()).isEqualTo("invalid_function");
    assertThat(a.error().message()).contains("cobol").contains("java, python, shell");
    assertThat(gateway.awaitResult("b", Duration.ofSeconds(5)).error().code())
        .isEqualTo("invalid_function");
    assertThat(gateway.awaitResult("c", Duration.ofSeconds(5)).error().message())
        .contains("was not sent");
  }

  @Test
  void resultLargerThanTheGatewayAcceptsFailsWithResultTooLarge() {
    gateway.maxResultBytes = 100;
    startConnected(b -> b);
    gateway.send(batch(ECHO, task("big", ECHO, "{\"s\":\"" + "x".repeat(200) + "\"}")));
    TaskResult r = gateway.awaitResult("big", Duration.ofSeconds(5));
    assertThat(r.ok()).isFalse();
    assertThat(r.error().code()).isEqualTo("result_too_large");
  }

  @Test
  void shellOutputIsBoundedByTheWelcomeLimit() {
    gateway.maxOutputBytes = 10;
    startConnected(b -> b);
    FunctionSpec shell =
        new FunctionSpec(
            "sh", "shell", Json.readTree("{\"command\":[\"printf\",\"%s\",\"{text}\"]}"), null);
    gateway.send(batch(shell, task("out", shell, "{\"text\":\"0123456789abcdef\"}")));
    TaskResult r = gateway.awaitResult("out", Duration.ofSeconds(5));
    assertThat(r.result().toTree().get("stdout").asText()).isEqualTo("0123456789");
    assertThat(r.result().toTree().get("truncated").asBoolean()).isTrue();
  }

  @Test
  void jarIsRequestedOverTheProtocolOnceAndItsClassRuns() {
    byte[] jar = TestJars.exampleJar();
    String digest = TestJars.digest(jar);
    gateway.artifacts.put(digest, jar);
    startConnected(b -> b);
    FunctionSpec add =
        new FunctionSpec(
            "add",
            "java",
            Json.object().put("class", "org.example.Add").put("artifact", digest),
            null);
    gateway.send(
        batch(add, task("x", add, "{\"a\":1,\"b\":2}"), task("y", add, "{\"a\":3,\"b\":4}")));
    assertThat(
            gateway.awaitResult("x", Duration.ofSeconds(10)).result().toTree().get("sum").asInt())
        .isEqualTo(3);
    assertThat(
            gateway.awaitResult("y", Duration.ofSeconds(10)).result().toTree().get("sum").asInt())
        .isEqualTo(7);
    assertThat(gateway.messages(ArtifactRequest.class))
        .containsExactly(new ArtifactRequest(digest));
  }

  @Test
  void unknownJarFailsTheTaskClearly() {
    startConnected(b -> b);
    String digest = "sha256:" + "ab".repeat(32);
    FunctionSpec fn =
        new FunctionSpec(
            "nojar", "java", Json.object().put("class", "a.B").put("artifact", digest), null);
    gateway.send(batch(fn, task("z", fn, "{}")));
    TaskResult r = gateway.awaitResult("z", Duration.ofSeconds(5));
    assertThat(r.error().code()).isEqualTo("invalid_function");
    assertThat(r.error().message()).contains(digest).contains("no such artifact");
  }
}
