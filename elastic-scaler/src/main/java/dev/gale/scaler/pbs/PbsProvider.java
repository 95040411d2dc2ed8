package dev.gale.scaler.pbs;

import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.BlockState;
import dev.gale.scaler.batch.BatchJob;
import dev.gale.scaler.batch.BatchProvider;
import dev.gale.scaler.batch.BlockFiles;
import dev.gale.scaler.batch.CommandResult;
import dev.gale.scaler.batch.CommandRunner;
import dev.gale.scaler.batch.JobSpec;
import dev.gale.scaler.batch.NativeStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One block = one PBS/Torque batch job. The script comes from {@code job.sh.tmpl}; with more than
 * one node, the launcher ({@code pbsdsh -u}) starts one node agent per node. See the package
 * description for the commands.
 *
 * <p>PBS has one state for every ended job ({@code C} or {@code F}) and Torque forgets finished
 * jobs at once unless {@code keep_completed} is set, so an ended job is judged by its exit status:
 * from {@code qstat -f} when it prints one, else from the file the script writes. Without either
 * (the job was killed), a job that ran its walltime is a {@code TIMEOUT}, any other a {@code
 * FAILED}. Cancel is {@code qdel}, which signals the job and kills it after the server's {@code
 * kill_delay}.
 */
public final class PbsProvider extends BatchProvider {
  /** The provider key. */
  public static final String KEY = "pbs";

  /**
   * How close to its walltime a job without an exit status must have run to count as a TIMEOUT,
   * when the run time is the provider's own observation (it sees a job start only at its next
   * poll).
   */
  static final Duration WALLTIME_SLACK = Duration.ofMinutes(1);

  private static final Pattern TRANSIENT =
      Pattern.compile(
          "cannot connect to server|Connection refused|timed out|Unable to contact slurm controller"
              + "|Resource temporarily unavailable",
          Pattern.CASE_INSENSITIVE);

  /** What qstat says of jobs it does not know; PBSE_UNKJOBID (15001) as an exit code is 153. */
  private static final Pattern UNKNOWN_JOB =
      Pattern.compile("Unknown Job Id|Invalid job id", Pattern.CASE_INSENSITIVE);

  private static final int EXIT_UNKNOWN_JOB = 153;
  private static final Pattern JOB_ID = Pattern.compile("\\d+(\\[\\d*])?(\\.[A-Za-z0-9_.-]+)?");

  private final PbsOptions options;

  /**
   * A provider; does no I/O.
   *
   * @param command what each node of a block runs
   * @param options the pool's options
   * @param runner runs qsub, qstat and qdel
   */
  public PbsProvider(BlockCommand command, PbsOptions options, CommandRunner runner) {
    this(command, options, runner, InstantSource.system());
  }

  PbsProvider(BlockCommand command, PbsOptions options, CommandRunner runner, InstantSource clock) {
    super(KEY, command, options.common(), runner, clock);
    this.options = options;
  }

  @Override
  protected String scheduler() {
    return "PBS";
  }

  @Override
  protected String renderScript(JobSpec spec) {
    return PbsScript.render(spec, options);
  }

  @Override
  protected String submitJob(BlockFiles files) {
    // -o and -j also on the command line: Slurm's qsub wrapper overrides the script's directives
    CommandResult r =
        runner.run(
            List.of(
                "qsub", "-o", files.output().toString(), "-j", "oe", files.script().toString()));
    if (!r.ok()) {
      throw r.failure("qsub refused the block's job", transientFailure(r));
    }
    String[] lines = r.stdout().strip().split("\n");
    String id = lines[lines.length - 1].strip();
    if (!JOB_ID.matcher(id).matches()) {
      throw r.failure("qsub printed no job id", false);
    }
    return id;
  }

  @Override
  protected Map<String, NativeStatus> query(List<BatchJob> jobs) {
    List<String> argv = new ArrayList<>(List.of("qstat", "-f"));
    jobs.forEach(j -> argv.add(j.jobId()));
    CommandResult r = runner.run(argv);
    if (!r.ok() && r.exitCode() != EXIT_UNKNOWN_JOB && !UNKNOWN_JOB.matcher(r.stderr()).find()) {
      throw r.failure("qstat failed", transientFailure(r));
    }
    Map<String, Map<String, String>> listed = QstatOutput.parse(r.stdout());
    Instant now = clock.instant();
    Map<String, NativeStatus> out = new HashMap<>();
    for (BatchJob j : jobs) {
      Map<String, String> attrs = QstatOutput.find(listed, j.jobId());
      NativeStatus s;
      if (attrs == null) {
        // gone: Torque forgets finished jobs unless keep_completed is set
        Integer exit = exitFile(j.files().exit());
        s =
            exit == null && j.runningSince() == null
                ? null
                : ended("gone from qstat", exit, ranFor(j, null, now), j.walltime());
      } else {
        String letter = attrs.getOrDefault("job_state", "");
        BlockState state = PbsStates.translate(letter);
        if (state == BlockState.COMPLETED) {
          Integer exit = QstatOutput.exitStatus(attrs);
          s =
              ended(
                  "job_state=" + letter,
                  exit != null ? exit : exitFile(j.files().exit()),
                  ranFor(j, QstatOutput.usedWalltime(attrs), now),
                  j.walltime());
        } else {
          s = new NativeStatus(state, describe(letter, attrs.get("comment")), null);
        }
      }
      if (s != null) {
        out.put(j.blockId(), s);
      }
    }
    return out;
  }

  @Override
  protected void cancelJobs(List<BatchJob> jobs) {
    List<String> argv = new ArrayList<>(List.of("qdel"));
    jobs.forEach(j -> argv.add(j.jobId()));
    CommandResult r = runner.run(argv);
    if (r.ok()) {
      return;
    }
    // qdel fails for jobs that already ended; it failed for real only if one is still there
    Map<String, NativeStatus> now = query(jobs);
    boolean stillThere = now.values().stream().anyMatch(s -> !s.state().isTerminal());
    if (stillThere) {
      throw r.failure("qdel failed", transientFailure(r));
    }
  }

  /**
   * The status of an ended job.
   *
   * @param what how the job was seen to end, for the message
   * @param exit its exit status, or null when unknown
   * @param ran how long it ran, or null when unknown
   * @param walltime its time limit
   */
  static NativeStatus ended(String what, Integer exit, Duration ran, Duration walltime) {
    boolean atWalltime = ran != null && ran.compareTo(walltime.minus(WALLTIME_SLACK)) >= 0;
    String ranText = ran == null ? "" : ", ran " + hms(ran) + " of " + hms(walltime);
    if (exit != null && exit == 0) {
      return new NativeStatus(BlockState.COMPLETED, what + ", exit status 0", null);
    }
    String exitText = exit == null ? ", no exit status" : ", exit status " + exit;
    if (atWalltime) {
      return new NativeStatus(
          BlockState.TIMEOUT, what + exitText + ranText + " (its walltime)", null);
    }
    return new NativeStatus(
        BlockState.FAILED,
        what + exitText + (exit == null ? " (killed, or its files are not shared?)" : "") + ranText,
        null);
  }

  private static String hms(Duration d) {
    long s = Math.max(0, d.getSeconds());
    return String.format("%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }

  private static Duration ranFor(BatchJob j, Duration used, Instant now) {
    if (used != null) {
      return used;
    }
    return j.runningSince() == null ? null : Duration.between(j.runningSince(), now);
  }

  private static Integer exitFile(Path f) {
    try {
      return Files.isRegularFile(f) ? Integer.valueOf(Files.readString(f).strip()) : null;
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }

  private static String describe(String letter, String comment) {
    String s = "job_state=" + letter;
    if (!PbsStates.known(letter)) {
      s += " (unknown PBS state, taken as pending)";
    }
    return comment == null || comment.isBlank() ? s : s + ": " + comment;
  }

  private static boolean transientFailure(CommandResult r) {
    return TRANSIENT.matcher(r.stderr()).find() || TRANSIENT.matcher(r.stdout()).find();
  }

  /** The options this provider was created with. */
  public PbsOptions options() {
    return options;
  }
}
