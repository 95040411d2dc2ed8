package dev.gale.scaler.batch;

import dev.gale.api.InvalidRequestException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options every batch provider takes. Provider-specific ones ({@code partition}, {@code queue},
 * ...) are read by each provider's factory.
 *
 * @param walltime the job time limit when the scaler's block request has none; default {@link
 *     #DEFAULT_WALLTIME}
 * @param account the account (project) jobs are charged to, or null for the user's default
 * @param schedulerOptions extra directive lines, each with its prefix ({@code #SBATCH ...})
 * @param workerInit shell lines run before the node agent starts ({@code module load ...})
 * @param cpusPerNode CPUs requested on each node; default 1
 * @param memory memory per node such as {@code 16G}, or null for the site's default
 * @param scriptDir where scripts, environment files and job output go; compute nodes must see it at
 *     the same path. Default {@code <workDir>/<provider>}
 * @param commandEnv variables set for the scheduler commands (and so for the jobs they start)
 * @param inheritEnv further variables of the scaler's environment passed to the commands, on top of
 *     {@link ProcessCommandRunner#INHERITED}
 * @param commandTimeout time limit of each scheduler command; default 30 s
 */
public record BatchOptions(
    Duration walltime,
    String account,
    List<String> schedulerOptions,
    List<String> workerInit,
    int cpusPerNode,
    String memory,
    Path scriptDir,
    Map<String, String> commandEnv,
    List<String> inheritEnv,
    Duration commandTimeout) {

  /** A job's time limit when neither the block request nor {@code options.walltime} sets one. */
  public static final Duration DEFAULT_WALLTIME = Duration.ofHours(1);

  /** The option names read here. */
  public static final Set<String> NAMES =
      Set.of(
          "walltime",
          "account",
          "schedulerOptions",
          "workerInit",
          "cpusPerNode",
          "memory",
          "scriptDir",
          "commandEnv",
          "inheritEnv",
          "commandTimeoutSeconds");

  public BatchOptions {
    schedulerOptions = List.copyOf(schedulerOptions);
    workerInit = List.copyOf(workerInit);
    commandEnv = Map.copyOf(commandEnv);
    inheritEnv = List.copyOf(inheritEnv);
  }

  /**
   * Reads the common options; does no I/O.
   *
   * @param directive the directive prefix of scheduler options, {@code #SBATCH} or {@code #PBS}
   * @param workDir the provider's work directory (the default {@code scriptDir} is in it)
   */
  public static BatchOptions read(OptionReader r, String provider, String directive, Path workDir) {
    Path scriptDir =
        r.absolutePath("scriptDir").orElse(workDir.resolve(provider).toAbsolutePath().normalize());
    if (!scriptDir.toString().matches("[A-Za-z0-9_.:,+@%/=-]+")) {
      throw new InvalidRequestException(
          "the script directory "
              + scriptDir
              + " has characters that job directives cannot hold (white space, quotes);"
              + " set options.scriptDir");
    }
    return new BatchOptions(
        r.walltime("walltime").orElse(DEFAULT_WALLTIME),
        r.word("account").orElse(null),
        directives(r.lines("schedulerOptions"), directive),
        r.lines("workerInit"),
        r.intAtLeast("cpusPerNode", 1, 1),
        r.memory("memory").orElse(null),
        scriptDir,
        r.environment("commandEnv"),
        r.environmentNames("inheritEnv"),
        Duration.ofSeconds(r.intAtLeast("commandTimeoutSeconds", 30, 1)));
  }

  /**
   * Scheduler option lines as directives: a line that starts with {@code directive} stays as it is,
   * a line of options ({@code --constraint=haswell}, {@code -l mem=4gb}) gets the prefix.
   *
   * @throws InvalidRequestException for another comment or directive line
   */
  static List<String> directives(List<String> lines, String directive) {
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      if (l.startsWith(directive + " ")) {
        out.add(l);
      } else if (l.startsWith("#")) {
        throw new InvalidRequestException(
            "options.schedulerOptions lines must be options or "
                + directive
                + " lines, got '"
                + l
                + "'");
      } else {
        out.add(directive + " " + l);
      }
    }
    return out;
  }

  /** A runner for the scheduler commands with the environment these options describe. */
  public ProcessCommandRunner runner(Map<String, String> extraEnv) {
    Map<String, String> set = new HashMap<>(commandEnv);
    set.putAll(extraEnv);
    return new ProcessCommandRunner(
        ProcessCommandRunner.environment(System.getenv(), inheritEnv, set), commandTimeout);
  }
}
