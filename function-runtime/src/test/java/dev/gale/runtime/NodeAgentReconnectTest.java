package dev.gale.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.protocol.Ack;
import dev.gale.api.protocol.Hello;
import dev.gale.api.protocol.TaskResult;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class NodeAgentReconnectTest extends AgentFixture {

  @Test
  void unacknowledgedResultsAreSentAgainAfterAReconnect() {
    gateway.autoAck = false;
    NodeAgent agent = startConnected(b -> b.workerId("w-stable"));
    gateway.send(batch(ECHO, task("a", ECHO, "{\"n\":1}"), task("b", ECHO, "{\"n\":2}")));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> gateway.results().size() == 2);

    gateway.dropConnection();
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> gateway.connections.get() == 2 && gateway.results().size() == 4);
    List<TaskResult> all = gateway.results();
    assertThat(all.subList(2, 4)).containsExactlyInAnyOrderElementsOf(all.subList(0, 2));
    assertThat(gateway.messages(Hello.class))
        .extracting(Hello::workerId)
        .containsExactly("w-stable", "w-stable");

    gateway.send(new Ack(List.of("a", "b")));
    Awaitility.await().atMost(Duration.ofSeconds(2)).until(agent::isConnected);
    gateway.dropConnection();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> gateway.connections.get() == 3);
    Awaitility.await().atMost(Duration.ofSeconds(2)).until(agent::isConnected);
    Awaitility.await().pollDelay(Duration.ofMillis(200)).until(() -> true);
    assertThat(gateway.results()).hasSize(4);
  }

  @Test
  void resultsFinishedWhileDisconnectedAreDeliveredAfterReconnecting() {
    NodeAgent agent = startConnected(b -> b);
    gateway.send(batch(SLEEP, task("s", SLEEP, "{\"seconds\":0.5}")));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> agent.activeTasks() == 1);
    gateway.dropConnection();
    TaskResult r = gateway.awaitResult("s", Duration.ofSeconds(5));
    assertThat(r.ok()).isTrue();
    assertThat(gateway.connections.get()).isEqualTo(2);
  }

  @Test
  void agentStartedBeforeTheGatewayConnectsOnceItListens() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    gateway.close();
    gateway = new FakeGateway(0);
    FakeGateway late;
    NodeAgent agent = start(b -> b.gatewayUrl(java.net.URI.create("http://127.0.0.1:" + port)));
    Thread.sleep(400);
    assertThat(agent.isConnected()).isFalse();
    late = new FakeGateway(port);
    try {
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(agent::isConnected);
      assertThat(late.messages(Hello.class)).hasSize(1);
    } finally {
      agent.close();
      late.close();
    }
  }
}
