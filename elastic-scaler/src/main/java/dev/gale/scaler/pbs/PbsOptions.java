package dev.gale.scaler.pbs;

import dev.gale.api.InvalidRequestException;
import dev.gale.scaler.batch.BatchOptions;
import dev.gale.scaler.batch.OptionReader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The options of a {@code pbs} pool: the {@link BatchOptions} and these.
 *
 * @param common the options every batch provider takes
 * @param queue {@code -q}, or null for the server's default queue
 * @param launcher the command that starts one node agent per node when a block has more than one
 *     node; default {@code pbsdsh -u} (one task on each unique node)
 */
public record PbsOptions(BatchOptions common, String queue, List<String> launcher) {

  /** Default {@link #launcher}. */
  public static final List<String> DEFAULT_LAUNCHER = List.of("pbsdsh", "-u");

  public PbsOptions {
    launcher = List.copyOf(launcher);
  }

  /** Reads and validates a pool's options; does no I/O. */
  static PbsOptions read(OptionReader r, Path workDir) {
    Set<String> known = new HashSet<>(BatchOptions.NAMES);
    known.addAll(Set.of("queue", "launcher"));
    r.requireOnly(known);
    List<String> launcher =
        r.text("launcher").map(t -> Arrays.asList(t.split("\\s+"))).orElse(DEFAULT_LAUNCHER);
    for (String w : launcher) {
      if (!w.matches("[A-Za-z0-9_.:,+@%/=-]+")) {
        throw new InvalidRequestException(
            "options.launcher must be a command of plain words (letters, digits, _.:,+@%/=-), got '"
                + String.join(" ", launcher)
                + "'");
      }
    }
    return new PbsOptions(
        BatchOptions.read(r, PbsProvider.KEY, "#PBS", workDir),
        r.word("queue").orElse(null),
        launcher);
  }
}
