package dev.gale.scaler.batch;

import java.util.List;

/**
 * Runs the commands of a batch system ({@code sbatch}, {@code squeue}, {@code qsub}, ...). Never
 * hangs: every command has a time limit. Thread-safe.
 */
@FunctionalInterface
public interface CommandRunner {

  /**
   * Runs a command to its end, without a shell, with stdin from {@code /dev/null}.
   *
   * @return its exit code and output, whatever the exit code
   * @throws dev.gale.scaler.ProviderException when the command cannot start or exceeds its time
   *     limit (then it is killed); the details carry the command and what it printed
   */
  CommandResult run(List<String> argv);
}
