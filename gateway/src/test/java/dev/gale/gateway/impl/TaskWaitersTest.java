package dev.gale.gateway.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.ErrorInfo;
import dev.gale.api.RawJson;
import dev.gale.api.Task;
import dev.gale.api.TaskState;
import dev.gale.scheduler.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskWaitersTest {
  private final TaskWaiters waiters = new TaskWaiters();

  private static Task task(String id, TaskState state) {
    return new Task(
        id,
        "t",
        "fn",
        "f",
        "java",
        "default",
        0,
        state,
        1,
        null,
        null,
        null,
        Instant.now(),
        null,
        null,
        null,
        null,
        null);
  }

  private static TaskWaiters.Waiter waiter(List<Task> sink) {
    Task base = task("t1", TaskState.QUEUED);
    return new TaskWaiters.Waiter() {
      @Override
      public Task base() {
        return base;
      }

      @Override
      public void terminal(Task task) {
        sink.add(task);
      }
    };
  }

  @Test
  void aFirstAttemptsOutcomeIsDeliveredWithoutReadingTheTaskBack() {
    List<Task> got = new ArrayList<>();
    waiters.register("t1", waiter(got));
    Instant start = Instant.parse("2030-01-01T00:00:00.123456Z");
    Outcome ok =
        new Outcome("t1", 1, "w1", true, RawJson.of("{\"x\":1}"), null, start, start.plusMillis(5));

    TaskWaiters.Delivery d = waiters.deliverOutcomes(List.of("t1"), Map.of("t1", ok));

    assertThat(d.toFetch()).isEmpty();
    assertThat(got).hasSize(1);
    Task t = got.get(0);
    assertThat(t.state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(t.attempts()).isEqualTo(1);
    assertThat(t.result().json()).isEqualTo("{\"x\":1}");
    assertThat(t.worker()).isEqualTo("w1");
    assertThat(t.startedAt()).isEqualTo(Instant.parse("2030-01-01T00:00:00.123Z"));
    assertThat(t.tenant()).isEqualTo("t");
  }

  @Test
  void laterAttemptsAreReadBackBecauseEarlierErrorsAreNotKnownHere() {
    List<Task> got = new ArrayList<>();
    waiters.register("t1", waiter(got));
    Outcome failed =
        new Outcome(
            "t1",
            2,
            "w1",
            false,
            null,
            ErrorInfo.of("exception", "x"),
            Instant.now(),
            Instant.now());
    TaskWaiters.Delivery d = waiters.deliverOutcomes(List.of("t1"), Map.of("t1", failed));
    assertThat(d.toFetch()).containsExactly("t1");
    assertThat(got).isEmpty();
    assertThat(waiters.waitedTasks()).isOne();
  }

  @Test
  void aTerminalTaskIsDeliveredToEachOfItsWaitersOnce() {
    List<Task> a = new ArrayList<>();
    List<Task> b = new ArrayList<>();
    waiters.register("t1", waiter(a));
    waiters.register("t1", waiter(b));

    assertThat(waiters.noteTerminal(List.of("t0", "t1"))).containsExactly("t1");
    waiters.deliver(List.of(task("t1", TaskState.SUCCEEDED)));
    waiters.deliver(List.of(task("t1", TaskState.SUCCEEDED)));

    assertThat(a).hasSize(1);
    assertThat(b).hasSize(1);
    assertThat(waiters.waitedTasks()).isZero();
  }

  @Test
  void aNonTerminalTaskIsNotDelivered() {
    List<Task> got = new ArrayList<>();
    waiters.register("t1", waiter(got));
    waiters.deliver(List.of(task("t1", TaskState.RUNNING)));
    assertThat(got).isEmpty();
    assertThat(waiters.waitedTasks()).isOne();
  }

  @Test
  void anUnregisteredWaiterIsForgotten() {
    List<Task> got = new ArrayList<>();
    TaskWaiters.Waiter w = waiter(got);
    waiters.register("t1", w);
    waiters.unregister("t1", w);
    assertThat(waiters.noteTerminal(List.of("t1"))).isEmpty();
    assertThat(waiters.waitedTasks()).isZero();
  }

  @Test
  void aNotificationBetweenReadAndRegistrationIsSeenThroughTheLog() {
    long mark = waiters.mark();
    assertThat(waiters.maybeTerminalSince("t1", mark)).isFalse();
    waiters.noteTerminal(List.of("t9"));
    assertThat(waiters.maybeTerminalSince("t1", mark)).isFalse();
    waiters.noteTerminal(List.of("t1"));
    assertThat(waiters.maybeTerminalSince("t1", mark)).isTrue();
    assertThat(waiters.maybeTerminalSince("t1", waiters.mark())).isFalse();
  }

  @Test
  void whenTheLogNoLongerReachesTheMarkTheAnswerIsMaybe() {
    long mark = waiters.mark();
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 60_000; i++) {
      many.add("x" + i);
    }
    waiters.noteTerminal(many);
    waiters.noteTerminal(many);
    assertThat(waiters.maybeTerminalSince("never", mark)).isTrue();
  }
}
