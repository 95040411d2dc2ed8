package dev.gale.scaler.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.scaler.BlockState;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SlurmStatesTest {

  /** Every Slurm 22.05 job state and the block state it must give: the table, exhaustively. */
  private static final Map<String, BlockState> EXPECTED =
      Map.ofEntries(
          Map.entry("PENDING", BlockState.PENDING),
          Map.entry("CONFIGURING", BlockState.PENDING),
          Map.entry("REQUEUED", BlockState.PENDING),
          Map.entry("REQUEUE_FED", BlockState.PENDING),
          Map.entry("REQUEUE_HOLD", BlockState.PENDING),
          Map.entry("RESV_DEL_HOLD", BlockState.PENDING),
          Map.entry("SUSPENDED", BlockState.PENDING),
          Map.entry("STOPPED", BlockState.PENDING),
          Map.entry("RUNNING", BlockState.RUNNING),
          Map.entry("COMPLETING", BlockState.RUNNING),
          Map.entry("STAGE_OUT", BlockState.RUNNING),
          Map.entry("SIGNALING", BlockState.RUNNING),
          Map.entry("RESIZING", BlockState.RUNNING),
          Map.entry("COMPLETED", BlockState.COMPLETED),
          Map.entry("FAILED", BlockState.FAILED),
          Map.entry("NODE_FAIL", BlockState.FAILED),
          Map.entry("BOOT_FAIL", BlockState.FAILED),
          Map.entry("OUT_OF_MEMORY", BlockState.FAILED),
          Map.entry("SPECIAL_EXIT", BlockState.FAILED),
          Map.entry("CANCELLED", BlockState.CANCELLED),
          Map.entry("TIMEOUT", BlockState.TIMEOUT),
          Map.entry("DEADLINE", BlockState.TIMEOUT),
          Map.entry("PREEMPTED", BlockState.TIMEOUT),
          Map.entry("REVOKED", BlockState.MISSING));

  @Test
  void translatesEveryStateOfSlurm() {
    assertThat(SlurmStates.TABLE).isEqualTo(EXPECTED);
    EXPECTED.forEach(
        (slurm, block) -> {
          assertThat(SlurmStates.translate(slurm)).as(slurm).isEqualTo(block);
          assertThat(SlurmStates.known(slurm)).isTrue();
        });
  }

  @Test
  void aWalltimeIsATimeoutNotAFailure() {
    assertThat(SlurmStates.translate("TIMEOUT")).isEqualTo(BlockState.TIMEOUT);
    assertThat(SlurmStates.translate("TIMEOUT").isTerminal()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "CANCELLED by 0, CANCELLED",
    "'  running  ', RUNNING",
    "COMPLETING+, RUNNING",
    "completed, COMPLETED"
  })
  void ignoresExtraWordsFlagsAndCase(String slurm, BlockState expected) {
    assertThat(SlurmStates.translate(slurm)).isEqualTo(expected);
  }

  @Test
  void takesAStateItDoesNotKnowAsPendingSoThatTheJobIsKept() {
    assertThat(SlurmStates.translate("POWER_UP_NODE")).isEqualTo(BlockState.PENDING);
    assertThat(SlurmStates.known("POWER_UP_NODE")).isFalse();
    assertThat(SlurmStates.translate(null)).isEqualTo(BlockState.PENDING);
  }
}
