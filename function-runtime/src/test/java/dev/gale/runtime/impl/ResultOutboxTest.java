package dev.gale.runtime.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.ErrorInfo;
import dev.gale.api.RawJson;
import dev.gale.api.protocol.TaskResult;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResultOutboxTest {
  final AtomicInteger now = new AtomicInteger();
  final AtomicInteger soon = new AtomicInteger();
  final ResultOutbox outbox = new ResultOutbox();

  /** A flusher that counts the flushes asked for in {@link #now} and {@link #soon}. */
  private ResultOutbox.Flusher countingFlusher() {
    return new ResultOutbox.Flusher() {
      @Override
      public void flushNow() {
        now.incrementAndGet();
      }

      @Override
      public void flushSoon() {
        soon.incrementAndGet();
      }
    };
  }

  @BeforeEach
  void setUp() {
    outbox.flusher(countingFlusher());
  }

  static TaskResult result(String id, int attempt) {
    return new TaskResult(id, attempt, true, RawJson.NULL, null, Instant.now(), Instant.now());
  }

  @Test
  void underLoadResultsWaitForOneDelayedFlush() {
    for (int i = 0; i < 10; i++) {
      outbox.publish(result("t" + i, 1), false);
    }
    assertThat(soon).hasValue(1);
    assertThat(now).hasValue(0);
    assertThat(outbox.takePending()).hasSize(10);
  }

  @Test
  void aFullBatchOrAnIdleEngineFlushesAtOnce() {
    for (int i = 0; i < ResultOutbox.FLUSH_COUNT; i++) {
      outbox.publish(result("t" + i, 1), false);
    }
    assertThat(now).hasValue(1);
    outbox.takePending();
    outbox.publish(result("last", 1), true);
    assertThat(now).hasValue(2);
  }

  @Test
  void anOutboxSizedForItsAgentFlushesAtAQuarterOfItsCapacity() {
    assertThat(ResultOutbox.flushCountFor(34)).isEqualTo(8);
    assertThat(ResultOutbox.flushCountFor(2)).isEqualTo(1);
    assertThat(ResultOutbox.flushCountFor(100_000)).isEqualTo(ResultOutbox.FLUSH_COUNT);
    ResultOutbox small = new ResultOutbox(3);
    small.flusher(countingFlusher());
    small.publish(result("a", 1), false);
    small.publish(result("b", 1), false);
    assertThat(now).hasValue(0);
    assertThat(soon).hasValue(1);
    small.publish(result("c", 1), false);
    assertThat(now).hasValue(1);
    assertThat(small.takePending()).hasSize(3);
  }

  @Test
  void resultsStayUntilAcknowledgedAndAreResentAfterReconnect() {
    outbox.publish(result("a", 1), true);
    outbox.publish(result("b", 1), true);
    assertThat(outbox.takePending()).hasSize(2);
    outbox.ack(List.of("a"));
    assertThat(outbox.allAcked()).isFalse();
    outbox.resendAll();
    assertThat(outbox.takePending()).extracting(TaskResult::taskId).containsExactly("b");
    outbox.ack(List.of("b"));
    assertThat(outbox.allAcked()).isTrue();
  }

  @Test
  void anOlderAttemptNeverReplacesANewerResult() {
    outbox.publish(result("t", 2), true);
    outbox.publish(
        new TaskResult("t", 1, false, null, ErrorInfo.of("timeout", "late"), null, Instant.now()),
        true);
    outbox.takePending();
    outbox.resendAll();
    assertThat(outbox.takePending()).extracting(TaskResult::attempt).containsExactly(2);
  }
}
