package dev.gale.runtime.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CancellationTest {

  @Test
  void onlyTheFirstCancelCountsAndRunsActionsOnce() {
    Cancellation c = new Cancellation();
    AtomicInteger runs = new AtomicInteger();
    c.onCancel(runs::incrementAndGet);
    assertThat(c.cancel(Cancellation.Reason.TIMEOUT)).isTrue();
    assertThat(c.cancel(Cancellation.Reason.CANCELLED)).isFalse();
    assertThat(c.reason()).isEqualTo(Cancellation.Reason.TIMEOUT);
    assertThat(c.reason().code()).isEqualTo("timeout");
    assertThat(runs).hasValue(1);
  }

  @Test
  void aClosedRegistrationNeverRuns() {
    Cancellation c = new Cancellation();
    AtomicInteger runs = new AtomicInteger();
    c.onCancel(runs::incrementAndGet).close();
    c.cancel(Cancellation.Reason.CANCELLED);
    assertThat(runs).hasValue(0);
  }

  @Test
  void registeringAfterCancellationRunsAtOnce() {
    Cancellation c = new Cancellation();
    c.cancel(Cancellation.Reason.SHUTDOWN);
    AtomicInteger runs = new AtomicInteger();
    c.onCancel(runs::incrementAndGet);
    assertThat(runs).hasValue(1);
    assertThat(c.reason().code()).isEqualTo("worker_stopped");
  }
}
