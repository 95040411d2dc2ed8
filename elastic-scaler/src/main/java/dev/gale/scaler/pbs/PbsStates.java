package dev.gale.scaler.pbs;

import dev.gale.scaler.BlockState;
import java.util.Locale;
import java.util.Map;

/**
 * The one translation of PBS job states (the {@code job_state} letter of {@code qstat}, Torque and
 * PBS Pro) into {@link BlockState}s.
 */
public final class PbsStates {
  /**
   * Every job state letter of Torque and PBS Pro. The letters of an ended job ({@code C} Torque's
   * completed, {@code F} PBS Pro's finished, {@code X} a finished sub-job) map to COMPLETED here;
   * the provider then turns that into FAILED or TIMEOUT from the exit status and the time the job
   * ran, because PBS uses one letter for all of them. {@code E} (exiting) still holds the nodes:
   * RUNNING. Held, waiting, moving and suspended jobs run no node agent: PENDING.
   */
  static final Map<String, BlockState> TABLE =
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

  private PbsStates() {}

  /** The block state of a PBS state letter; a letter the table does not know counts as PENDING. */
  public static BlockState translate(String letter) {
    BlockState s = TABLE.get(normal(letter));
    return s == null ? BlockState.PENDING : s;
  }

  /** True when the table knows the letter. */
  public static boolean known(String letter) {
    return TABLE.containsKey(normal(letter));
  }

  private static String normal(String letter) {
    return letter == null ? "" : letter.strip().toUpperCase(Locale.ROOT);
  }
}
