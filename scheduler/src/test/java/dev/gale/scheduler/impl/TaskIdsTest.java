package dev.gale.scheduler.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaskIdsTest {

  @Test
  void tasksOfOneBatchShareAPartitionKey() {
    String batch = TaskIds.newBatch();
    TaskIdPartitioning p = new TaskIdPartitioning();
    assertThat(p.getPartitionKey(TaskIds.id(batch, 0)))
        .isEqualTo(p.getPartitionKey(TaskIds.id(batch, 999)))
        .isEqualTo(batch);
  }

  @ParameterizedTest
  @CsvSource({
    "fn-123, ",
    "sha256:abcd, ",
    "gale.queue.default, ",
    "t.1, ",
    "tabc., ",
    "tabc.x1, ",
    "tABC.1, ",
    "tabc.12, tabc"
  })
  void otherKeysKeepTheDefaultPlacement(String key, String expected) {
    assertThat(new TaskIdPartitioning().getPartitionKey(key)).isEqualTo(expected);
  }
}
