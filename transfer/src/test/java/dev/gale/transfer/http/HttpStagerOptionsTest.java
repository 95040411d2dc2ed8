package dev.gale.transfer.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpStagerOptionsTest {
  @Test
  void hasTheDocumentedDefaults() {
    HttpStagerOptions o = HttpStagerOptions.defaults();
    assertThat(o.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.readTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.writeTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.callTimeout()).isZero();
    assertThat(o.maxRetries()).isEqualTo(5);
    assertThat(o.initialBackoff()).isEqualTo(Duration.ofMillis(500));
    assertThat(o.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.jitter()).isEqualTo(0.2);
    assertThat(o.maxRetryAfter()).isEqualTo(Duration.ofMinutes(2));
    assertThat(o.toBuilder().build()).isEqualTo(o);
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> HttpStagerOptions.builder().maxRetries(-1).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HttpStagerOptions.builder().jitter(1.5).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HttpStagerOptions.builder().readTimeout(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
