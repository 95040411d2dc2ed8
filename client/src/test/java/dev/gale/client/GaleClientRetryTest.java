package dev.gale.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GaleClientRetryTest {
  private static final String BUSY =
      "{\"error\":{\"code\":\"back_pressure\",\"message\":\"queue full\"}}";
  private static final String TASK = "{\"id\":\"t1\",\"state\":\"queued\",\"attempts\":0}";

  @Test
  void retriesBackPressureHonouringRetryAfter() {
    try (CannedServer s = new CannedServer()) {
      s.answer(429, BUSY, Map.of("Retry-After", "2"))
          .answer(429, BUSY, Map.of("Retry-After", "3"))
          .answer(200, TASK);
      var task = s.client(RetryPolicy.defaults()).getTask("t1", 0);
      assertThat(task.id()).isEqualTo("t1");
      assertThat(s.seen).hasSize(3);
      assertThat(s.sleeps).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(3));
    }
  }

  @Test
  void retriesUnavailableWithCappedExponentialBackoff() {
    try (CannedServer s = new CannedServer()) {
      String down = "{\"error\":{\"code\":\"unavailable\",\"message\":\"not ready\"}}";
      for (int i = 0; i < 4; i++) {
        s.answer(503, down);
      }
      s.answer(200, TASK);
      RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(500));
      s.client(p).getTask("t1", 0);
      assertThat(s.sleeps).hasSize(4);
      assertThat(s.sleeps.get(0)).isBetween(Duration.ofMillis(100), Duration.ofMillis(120));
      assertThat(s.sleeps.get(1)).isBetween(Duration.ofMillis(200), Duration.ofMillis(240));
      assertThat(s.sleeps.get(2)).isBetween(Duration.ofMillis(400), Duration.ofMillis(480));
      assertThat(s.sleeps.get(3)).isEqualTo(Duration.ofMillis(500));
    }
  }

  @Test
  void capsAServerRetryAfterAtMaxBackoff() {
    try (CannedServer s = new CannedServer()) {
      s.answer(429, BUSY, Map.of("Retry-After", "3600")).answer(200, TASK);
      s.client(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(5))).getTask("t1", 0);
      assertThat(s.sleeps).containsExactly(Duration.ofSeconds(5));
    }
  }

  @Test
  void givesUpAfterMaxAttemptsWithTheLastError() {
    try (CannedServer s = new CannedServer()) {
      for (int i = 0; i < 3; i++) {
        s.answer(429, BUSY, Map.of("Retry-After", "1"));
      }
      GaleClient c = s.client(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofSeconds(1)));
      assertThatThrownBy(() -> c.getTask("t1", 0))
          .isInstanceOfSatisfying(
              GaleClientException.class,
              e -> {
                assertThat(e.status()).isEqualTo(429);
                assertThat(e.code()).isEqualTo("back_pressure");
                assertThat(e.isRetryable()).isTrue();
              });
      assertThat(s.seen).hasSize(3);
      assertThat(s.sleeps).hasSize(2);
    }
  }

  @Test
  void neverRetriesClientErrors() {
    try (CannedServer s = new CannedServer()) {
      s.answer(400, "{\"error\":{\"code\":\"invalid_request\",\"message\":\"bad\"}}");
      assertThatThrownBy(() -> s.client(RetryPolicy.defaults()).getTask("t1", 0))
          .isInstanceOf(GaleClientException.class);
      assertThat(s.seen).hasSize(1);
      assertThat(s.sleeps).isEmpty();
    }
  }

  @Test
  void retriesAPostWithTheSameBody() {
    try (CannedServer s = new CannedServer()) {
      s.answer(429, BUSY, Map.of("Retry-After", "0")).answer(202, "{\"tasks\":[" + TASK + "]}");
      var tasks =
          s.client(RetryPolicy.defaults())
              .submit(java.util.List.of(TaskRequest.of("fn-1", dev.gale.api.Json.object())));
      assertThat(tasks).hasSize(1);
      assertThat(s.seen).hasSize(2);
      assertThat(s.seen.get(1).body()).isEqualTo(s.seen.get(0).body()).contains("fn-1");
    }
  }

  @Test
  void readsRetryAfterAsSecondsOrHttpDate() {
    assertThat(HttpCaller.parseRetryAfter("7")).isEqualTo(Duration.ofSeconds(7));
    assertThat(HttpCaller.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"))
        .isEqualTo(Duration.ZERO);
    assertThat(HttpCaller.parseRetryAfter("soon")).isNull();
    assertThat(HttpCaller.parseRetryAfter(null)).isNull();
  }
}
