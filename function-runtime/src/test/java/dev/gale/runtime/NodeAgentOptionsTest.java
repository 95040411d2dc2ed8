package dev.gale.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeAgentOptionsTest {

  private static NodeAgentOptions.Builder minimal() {
    return NodeAgentOptions.builder().gatewayUrl("http://gw:8080").token("t");
  }

  @Test
  void defaultsAreAppliedAtBuild() {
    NodeAgentOptions o = minimal().build();
    int cpus = Runtime.getRuntime().availableProcessors();
    assertThat(o.pool()).isEqualTo("default");
    assertThat(o.slots()).isEqualTo(cpus);
    assertThat(o.prefetch()).isEqualTo(cpus * NodeAgentOptions.DEFAULT_PREFETCH_PER_SLOT);
    assertThat(o.python()).isEqualTo("python3");
    assertThat(o.reconnectMin()).isEqualTo(Duration.ofSeconds(1));
    assertThat(o.reconnectMax()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.parentPid()).isZero();
    assertThat(o.workDir()).isNull();
    assertThat(o.node()).isNotBlank();
    assertThat(o.workerId()).startsWith("w-");
    assertThat(o.toBuilder().build().workerId()).isEqualTo(o.workerId());
  }

  @Test
  void fallbackGatewaysComeAfterThePrimaryAndSurviveCopies() {
    NodeAgentOptions o =
        minimal()
            .fallbackUrls(java.util.List.of(java.net.URI.create("https://gw2.example:8443")))
            .slots(2)
            .build();
    assertThat(o.gatewayUrls())
        .extracting(java.net.URI::toString)
        .containsExactly(o.gatewayUrl().toString(), "https://gw2.example:8443");
    assertThat(o.toBuilder().build().gatewayUrls()).hasSize(2);
    assertThat(NodeAgentOptions.webSocketUrl(o.gatewayUrls().get(1)).toString())
        .isEqualTo("wss://gw2.example:8443/v1/workers/connect");
    assertThatThrownBy(
            () -> minimal().fallbackUrls(java.util.List.of(java.net.URI.create("ftp://x"))).build())
        .hasMessageContaining("fallbackUrls");
  }

  @Test
  void prefetchFollowsAnExplicitSlotCount() {
    assertThat(minimal().slots(3).build().prefetch()).isEqualTo(48);
    assertThat(minimal().slots(3).prefetch(0).build().prefetch()).isZero();
  }

  @ParameterizedTest
  @CsvSource({
    "http://gw:8080, ws://gw:8080/v1/workers/connect, 8080",
    "https://gw.example.org, wss://gw.example.org/v1/workers/connect, 443",
    "http://gw, ws://gw/v1/workers/connect, 80",
    "http://gw:80/gale/, ws://gw:80/gale/v1/workers/connect, 80",
    "wss://gw:9443/x, wss://gw:9443/x/v1/workers/connect, 9443",
    "http://[::1]:8080, ws://[::1]:8080/v1/workers/connect, 8080",
  })
  void webSocketUrlIsDerivedFromTheGatewayUrl(String gateway, String ws, int port) {
    NodeAgentOptions o = minimal().gatewayUrl(URI.create(gateway)).build();
    assertThat(o.webSocketUrl()).isEqualTo(URI.create(ws));
    assertThat(o.port()).isEqualTo(port);
  }

  @Test
  void invalidOptionsAreRejectedNamingTheOption() {
    assertThatThrownBy(() -> NodeAgentOptions.builder().token("t").build())
        .hasMessageContaining("gatewayUrl");
    assertThatThrownBy(() -> minimal().gatewayUrl("ftp://x").build()).hasMessageContaining("http");
    assertThatThrownBy(() -> minimal().token(" ").build()).hasMessageContaining("token");
    assertThatThrownBy(() -> minimal().slots(0).build()).hasMessageContaining("slots");
    assertThatThrownBy(() -> minimal().prefetch(-1).build()).hasMessageContaining("prefetch");
    assertThatThrownBy(
            () ->
                minimal()
                    .reconnectMin(Duration.ofSeconds(5))
                    .reconnectMax(Duration.ofSeconds(1))
                    .build())
        .hasMessageContaining("reconnectMax");
  }
}
