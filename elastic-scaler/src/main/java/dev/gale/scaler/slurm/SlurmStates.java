package dev.gale.scaler.slurm;

import dev.gale.scaler.BlockState;
import java.util.Locale;
import java.util.Map;

/**
 * The one translation of Slurm's job states (as {@code squeue %T} and {@code scontrol show job}
 * print them) into {@link BlockState}s.
 */
public final class SlurmStates {
  /**
   * Every job state of Slurm 22.05. Why some map where they do:
   *
   * <ul>
   *   <li>{@code CONFIGURING} (nodes booting), {@code SUSPENDED}, {@code STOPPED} and the requeue
   *       and hold states: the job holds no running node agent, so no capacity yet: PENDING.
   *   <li>{@code COMPLETING}, {@code STAGE_OUT}, {@code SIGNALING}, {@code RESIZING}: the job still
   *       holds its nodes: RUNNING (as in Parsl); the final state follows.
   *   <li>{@code TIMEOUT}, {@code DEADLINE} and {@code PREEMPTED}: the scheduler took the nodes
   *       back at a time limit or for other work; expected for pilot jobs, not a failure of the
   *       block.
   *   <li>{@code NODE_FAIL}, {@code BOOT_FAIL}, {@code OUT_OF_MEMORY}, {@code SPECIAL_EXIT}:
   *       FAILED.
   *   <li>{@code REVOKED}: a federated sibling ran elsewhere; this cluster has no such job:
   *       MISSING.
   * </ul>
   */
  static final Map<String, BlockState> TABLE =
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

  private SlurmStates() {}

  /**
   * The block state of a Slurm job state. Extra words ({@code CANCELLED by 0}) and flags ({@code
   * RUNNING+...}) are ignored. A state this table does not know (a newer Slurm) counts as PENDING:
   * the job is kept and asked about again rather than given up.
   */
  public static BlockState translate(String slurmState) {
    BlockState s = TABLE.get(base(slurmState));
    return s == null ? BlockState.PENDING : s;
  }

  /** True when the table knows the state. */
  public static boolean known(String slurmState) {
    return TABLE.containsKey(base(slurmState));
  }

  private static String base(String slurmState) {
    String s = slurmState == null ? "" : slurmState.strip().toUpperCase(Locale.ROOT);
    int cut = s.length();
    for (char c : new char[] {' ', '+'}) {
      int i = s.indexOf(c);
      if (i >= 0 && i < cut) {
        cut = i;
      }
    }
    return s.substring(0, cut);
  }
}
