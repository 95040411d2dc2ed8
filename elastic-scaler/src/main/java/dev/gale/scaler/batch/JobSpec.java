package dev.gale.scaler.batch;

import dev.gale.scaler.BlockRequest;
import java.time.Duration;
import java.util.List;

/**
 * What a job script is rendered from.
 *
 * @param blockId the block's id
 * @param request the block's shape (nodes, slots per node)
 * @param walltime the job's time limit
 * @param argv the node agent's command with the block's placeholders replaced
 * @param files where the script, environment and output of the block go
 */
public record JobSpec(
    String blockId, BlockRequest request, Duration walltime, List<String> argv, BlockFiles files) {
  public JobSpec {
    argv = List.copyOf(argv);
  }
}
