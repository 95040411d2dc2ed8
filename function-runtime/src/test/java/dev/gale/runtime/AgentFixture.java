package dev.gale.runtime;

import dev.gale.api.Json;
import dev.gale.api.RawJson;
import dev.gale.api.protocol.FunctionSpec;
import dev.gale.api.protocol.TaskAssignment;
import dev.gale.api.protocol.TaskBatch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** A fake gateway and agents connected to it, closed after each test. */
abstract class AgentFixture {
  static final FunctionSpec ECHO = java("echo", "dev.gale.function.builtin.Echo", null);
  static final FunctionSpec SLEEP = java("sleep", "dev.gale.function.builtin.Sleep", null);

  @TempDir Path dir;
  FakeGateway gateway = new FakeGateway();
  final List<NodeAgent> agents = new ArrayList<>();

  @AfterEach
  void closeAll() {
    for (NodeAgent agent : agents) {
      agent.close();
    }
    gateway.close();
  }

  NodeAgent start(UnaryOperator<NodeAgentOptions.Builder> tweak) {
    NodeAgentOptions.Builder b =
        NodeAgentOptions.builder()
            .gatewayUrl(gateway.url())
            .token("worker-secret")
            .slots(2)
            .prefetch(2)
            .workDir(dir.resolve("agent" + agents.size()))
            .reconnectMin(Duration.ofMillis(50))
            .reconnectMax(Duration.ofMillis(200))
            .drainTimeout(Duration.ofSeconds(2));
    NodeAgent agent = NodeAgent.start(tweak.apply(b).build());
    agents.add(agent);
    return agent;
  }

  NodeAgent startConnected(UnaryOperator<NodeAgentOptions.Builder> tweak) {
    NodeAgent agent = start(tweak);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(agent::isConnected);
    return agent;
  }

  static FunctionSpec java(String id, String cls, Integer timeoutSeconds) {
    return new FunctionSpec(id, "java", Json.object().put("class", cls), timeoutSeconds);
  }

  static TaskAssignment task(String id, FunctionSpec fn, String args) {
    return new TaskAssignment(id, 1, fn.id(), RawJson.of(args));
  }

  static TaskBatch batch(FunctionSpec fn, TaskAssignment... tasks) {
    return new TaskBatch(List.of(fn), List.of(tasks));
  }
}
