package dev.gale.scheduler.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.scheduler.WorkerCredit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AssignTest {

  @Test
  void dealsTasksRoundRobinWithinEachWorkersCredit() {
    Map<String, String> a =
        HazelcastScheduler.assign(
            List.of("a", "b", "c", "d", "e"),
            List.of(
                new WorkerCredit("w1", 4), new WorkerCredit("w2", 1), new WorkerCredit("w3", 4)));
    assertThat(a)
        .containsEntry("a", "w1")
        .containsEntry("b", "w2")
        .containsEntry("c", "w3")
        .containsEntry("d", "w1")
        .containsEntry("e", "w3");
  }

  @Test
  void leavesTasksUnassignedWhenCreditsRunOut() {
    Map<String, String> a =
        HazelcastScheduler.assign(List.of("a", "b", "c"), List.of(new WorkerCredit("w1", 2)));
    assertThat(a).hasSize(2).containsKeys("a", "b");
  }
}
