package dev.gale.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GatewayOptionsTest {

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    GatewayOptions o = GatewayOptions.builder().build();
    assertThat(o.host()).isEqualTo("127.0.0.1");
    assertThat(o.port()).isEqualTo(8080);
    assertThat(o.maxBodyBytes()).isEqualTo(10L * 1024 * 1024);
    assertThat(o.maxArtifactBytes()).isEqualTo(32L * 1024 * 1024);
    assertThat(o.maxArgsBytes()).isEqualTo(1024 * 1024);
    assertThat(o.maxResultBytes()).isEqualTo(1024 * 1024);
    assertThat(o.maxOutputBytes()).isEqualTo(64 * 1024);
    assertThat(o.maxWaitSeconds()).isEqualTo(60);
    assertThat(o.heartbeatSeconds()).isEqualTo(5);
    assertThat(o.maxBatchSize()).isEqualTo(10_000);
    assertThat(o.gatewayId()).startsWith("gw-");
    assertThat(GatewayOptions.builder().build().gatewayId()).isNotEqualTo(o.gatewayId());
  }

  @Test
  void toBuilderKeepsEveryValue() {
    GatewayOptions o = GatewayOptions.builder().port(0).maxWaitSeconds(5).gatewayId("g1").build();
    assertThat(o.toBuilder().build()).isEqualTo(o);
  }

  @Test
  void limitsMustBePositiveAndThePortInRange() {
    assertThatThrownBy(() -> GatewayOptions.builder().maxArgsBytes(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxArgsBytes");
    assertThatThrownBy(() -> GatewayOptions.builder().port(70000).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GatewayOptions.builder().maxArtifactBytes(60L * 1024 * 1024).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
