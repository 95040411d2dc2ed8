package dev.gale.scaler.slurm;

import dev.gale.scaler.batch.BatchOptions;
import dev.gale.scaler.batch.OptionReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The options of a {@code slurm} pool: the {@link BatchOptions} and these.
 *
 * @param common the options every batch provider takes
 * @param partition {@code --partition}, or null for the cluster's default
 * @param qos {@code --qos}, or null
 * @param exclusive {@code --exclusive}: whole nodes for the block; default false
 * @param grace on cancel, how long running jobs get between SIGTERM and {@code scancel}; default 10
 *     s, 0 to cancel at once (Slurm then still waits its {@code KillWait} before SIGKILL)
 * @param slurmConf the {@code slurm.conf} the commands use ({@code SLURM_CONF}), or null for the
 *     system's
 */
public record SlurmOptions(
    BatchOptions common,
    String partition,
    String qos,
    boolean exclusive,
    Duration grace,
    Path slurmConf) {

  /** Default {@link #grace}. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

  /** Reads and validates a pool's options; does no I/O. */
  static SlurmOptions read(OptionReader r, Path workDir) {
    Set<String> known = new HashSet<>(BatchOptions.NAMES);
    known.addAll(Set.of("partition", "qos", "exclusive", "gracePeriodSeconds", "slurmConf"));
    r.requireOnly(known);
    return new SlurmOptions(
        BatchOptions.read(r, SlurmProvider.KEY, "#SBATCH", workDir),
        r.word("partition").orElse(null),
        r.word("qos").orElse(null),
        r.bool("exclusive", false),
        Duration.ofSeconds(r.intAtLeast("gracePeriodSeconds", (int) DEFAULT_GRACE.getSeconds(), 0)),
        r.absolutePath("slurmConf").orElse(null));
  }
}
