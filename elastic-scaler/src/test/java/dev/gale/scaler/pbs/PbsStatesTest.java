package dev.gale.scaler.pbs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.scaler.BlockState;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PbsStatesTest {

  /** Every job state letter of Torque and PBS Pro and the block state it must give. */
  private static final Map<String, BlockState> EXPECTED =
      Map.ofEntries(
          Map.entry("Q", BlockState.PENDING),
          Map.entry("H", BlockState.PENDING),
          Map.entry("W", BlockState.PENDING),
          Map.entry("T", BlockState.PENDING),
          Map.entry("M", BlockState.PENDING),
          Map.entry("S", BlockState.PENDING),
          Map.entry("U", BlockState.PENDING),
          Map.entry("R", BlockState.RUNNING),
          Map.entry("E", BlockState.RUNNING),
          Map.entry("B", BlockState.RUNNING),
          Map.entry("C", BlockState.COMPLETED),
          Map.entry("F", BlockState.COMPLETED),
          Map.entry("X", BlockState.COMPLETED));

  @Test
  void translatesEveryStateLetter() {
    assertThat(PbsStates.TABLE).isEqualTo(EXPECTED);
    EXPECTED.forEach(
        (letter, state) -> {
          assertThat(PbsStates.translate(letter)).as(letter).isEqualTo(state);
          assertThat(PbsStates.translate(letter.toLowerCase())).as(letter).isEqualTo(state);
          assertThat(PbsStates.known(letter)).isTrue();
        });
  }

  @Test
  void takesALetterItDoesNotKnowAsPending() {
    assertThat(PbsStates.translate("Z")).isEqualTo(BlockState.PENDING);
    assertThat(PbsStates.known("Z")).isFalse();
    assertThat(PbsStates.translate(null)).isEqualTo(BlockState.PENDING);
  }
}
