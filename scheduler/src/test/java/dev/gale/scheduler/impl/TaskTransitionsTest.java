package dev.gale.scheduler.impl;

import static dev.gale.api.TaskState.CANCELLED;
import static dev.gale.api.TaskState.FAILED;
import static dev.gale.api.TaskState.QUEUED;
import static dev.gale.api.TaskState.RUNNING;
import static dev.gale.api.TaskState.SUCCEEDED;
import static dev.gale.api.TaskState.WAITING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.TaskState;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every pair of states, checked against the expected table: nothing more, nothing less. */
class TaskTransitionsTest {
  private static final Map<TaskState, Set<TaskState>> EXPECTED =
      Map.of(
          WAITING, EnumSet.of(QUEUED, FAILED, CANCELLED),
          QUEUED, EnumSet.of(RUNNING, CANCELLED),
          RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, QUEUED),
          SUCCEEDED, EnumSet.noneOf(TaskState.class),
          FAILED, EnumSet.noneOf(TaskState.class),
          CANCELLED, EnumSet.noneOf(TaskState.class));

  @Test
  void allowsExactlyTheTransitionsOfTheTable() {
    for (TaskState from : TaskState.values()) {
      for (TaskState to : TaskState.values()) {
        assertThat(TaskTransitions.allowed(from, to))
            .as("%s -> %s", from, to)
            .isEqualTo(EXPECTED.get(from).contains(to));
      }
    }
  }

  @Test
  void terminalStatesHaveNoWayOut() {
    for (TaskState s : TaskState.values()) {
      assertThat(TaskTransitions.targets(s).isEmpty()).as("%s", s).isEqualTo(s.isTerminal());
    }
  }

  @Test
  void recordRefusesAForbiddenMoveAndKeepsItsState() {
    TaskRecord r = new TaskRecord();
    r.state = SUCCEEDED;
    assertThat(r.moveTo(RUNNING)).isFalse();
    assertThat(r.state()).isEqualTo(SUCCEEDED);
    r.state = QUEUED;
    assertThat(r.moveTo(RUNNING)).isTrue();
    assertThat(r.state()).isEqualTo(RUNNING);
  }
}
