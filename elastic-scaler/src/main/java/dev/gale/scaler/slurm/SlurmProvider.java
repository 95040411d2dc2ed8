package dev.gale.scaler.slurm;

import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.batch.BatchJob;
import dev.gale.scaler.batch.BatchProvider;
import dev.gale.scaler.batch.BlockFiles;
import dev.gale.scaler.batch.CommandResult;
import dev.gale.scaler.batch.CommandRunner;
import dev.gale.scaler.batch.JobSpec;
import dev.gale.scaler.batch.NativeStatus;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One block = one Slurm batch job. The script comes from {@code job.sh.tmpl}; with more than one
 * node, {@code srun} starts one node agent per node. See the package description for the commands.
 *
 * <p>Status: {@code squeue} lists pending, running and completing jobs; a job it no longer lists
 * has ended and is read once from {@code scontrol show job} (state, reason, exit code), then
 * remembered; a job neither knows is {@code MISSING}. Cancel: pending jobs are cancelled at once;
 * running ones get SIGTERM (all steps and the batch shell), up to {@link SlurmOptions#grace()} to
 * end, then {@code scancel}.
 */
public final class SlurmProvider extends BatchProvider {
  /** The provider key. */
  public static final String KEY = "slurm";

  /** What Slurm's commands print when the controller cannot be reached: worth retrying. */
  private static final Pattern TRANSIENT =
      Pattern.compile(
          "Unable to contact slurm controller|Socket timed out|Connection refused"
              + "|Zero Bytes were transmitted|Resource temporarily unavailable");

  /** What scancel prints for a job that already ended or was purged: not a failure of cancel. */
  private static final Pattern GONE =
      Pattern.compile("Invalid job id specified|already completing or completed");

  private static final Pattern JOB_ID = Pattern.compile("\\d+");
  private static final long POLL_MILLIS = 200;

  private final SlurmOptions options;
  private final ZoneId zone;

  /**
   * A provider; does no I/O.
   *
   * @param command what each node of a block runs
   * @param options the pool's options
   * @param runner runs sbatch, squeue, scontrol and scancel
   */
  public SlurmProvider(BlockCommand command, SlurmOptions options, CommandRunner runner) {
    this(command, options, runner, InstantSource.system(), ZoneId.systemDefault());
  }

  SlurmProvider(
      BlockCommand command,
      SlurmOptions options,
      CommandRunner runner,
      InstantSource clock,
      ZoneId zone) {
    super(KEY, command, options.common(), runner, clock);
    this.options = options;
    this.zone = zone;
  }

  @Override
  protected String scheduler() {
    return "Slurm";
  }

  @Override
  protected String renderScript(JobSpec spec) {
    return SlurmScript.render(spec, options);
  }

  @Override
  protected String submitJob(BlockFiles files) {
    CommandResult r = runner.run(List.of("sbatch", "--parsable", files.script().toString()));
    if (!r.ok()) {
      throw r.failure("sbatch refused the block's job", transientFailure(r));
    }
    // --parsable prints "JOBID" or "JOBID;CLUSTER"
    String[] lines = r.stdout().strip().split("\n");
    String id = lines[lines.length - 1].strip().split(";")[0];
    if (!JOB_ID.matcher(id).matches()) {
      throw r.failure("sbatch printed no job id", false);
    }
    return id;
  }

  @Override
  protected Map<String, NativeStatus> query(List<BatchJob> jobs) {
    Map<String, BatchJob> byJobId = new HashMap<>();
    jobs.forEach(j -> byJobId.put(j.jobId(), j));
    Map<String, NativeStatus> out = new HashMap<>();
    CommandResult r =
        runner.run(
            List.of(
                "squeue",
                "--noheader",
                "--jobs=" + String.join(",", byJobId.keySet()),
                "--format=" + SlurmOutput.SQUEUE_FORMAT));
    if (r.ok()) {
      for (String line : r.stdout().split("\n")) {
        Optional<SlurmOutput.Row> row;
        try {
          row = SlurmOutput.squeueLine(line, zone);
        } catch (IllegalArgumentException e) {
          throw r.failure("squeue printed " + e.getMessage(), false);
        }
        row.ifPresent(
            x -> {
              BatchJob j = byJobId.get(x.jobId());
              if (j != null) {
                out.put(j.blockId(), x.status());
              }
            });
      }
    } else if (!GONE.matcher(r.stderr()).find()) {
      // "Invalid job id specified" comes when the only job asked about was purged
      throw r.failure("squeue failed", transientFailure(r));
    }
    for (BatchJob j : jobs) {
      if (!out.containsKey(j.blockId())) {
        NativeStatus s = scontrol(j.jobId());
        if (s != null) {
          out.put(j.blockId(), s);
        }
      }
    }
    return out;
  }

  /** A job that left squeue: its final record, or null when Slurm purged it. */
  private NativeStatus scontrol(String jobId) {
    CommandResult r = runner.run(List.of("scontrol", "--oneliner", "show", "job", jobId));
    if (!r.ok()) {
      if (GONE.matcher(r.stderr()).find()) {
        return null;
      }
      throw r.failure("scontrol show job failed", transientFailure(r));
    }
    Map<String, String> f = SlurmOutput.scontrolFields(r.stdout());
    if (!jobId.equals(f.get("JobId"))) {
      throw r.failure("scontrol printed no record of job " + jobId, false);
    }
    return SlurmOutput.fromScontrol(f, zone);
  }

  @Override
  protected void cancelJobs(List<BatchJob> jobs) {
    List<String> ids = jobs.stream().map(BatchJob::jobId).toList();
    if (!options.grace().isZero()) {
      // pending jobs have nothing to signal; the results are checked by the last scancel
      runner.run(concat(List.of("scancel", "--state=PENDING"), ids));
      runner.run(concat(List.of("scancel", "--state=RUNNING", "--signal=TERM", "--full"), ids));
      awaitNotRunning(ids, clock.instant().plus(options.grace()));
    }
    CommandResult r = runner.run(concat(List.of("scancel"), ids));
    if (!r.ok() && !onlyGone(r.stderr())) {
      throw r.failure("scancel failed", transientFailure(r));
    }
  }

  private void awaitNotRunning(List<String> ids, Instant deadline) {
    while (clock.instant().isBefore(deadline)) {
      CommandResult r =
          runner.run(
              List.of(
                  "squeue",
                  "--noheader",
                  "--states=RUNNING",
                  "--jobs=" + String.join(",", ids),
                  "--format=%i"));
      if (!r.ok() || r.stdout().isBlank()) {
        return;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static boolean onlyGone(String stderr) {
    List<String> lines = stderr.lines().filter(l -> !l.isBlank()).toList();
    return !lines.isEmpty() && lines.stream().allMatch(l -> GONE.matcher(l).find());
  }

  private static boolean transientFailure(CommandResult r) {
    return TRANSIENT.matcher(r.stderr()).find() || TRANSIENT.matcher(r.stdout()).find();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** The options this provider was created with. */
  public SlurmOptions options() {
    return options;
  }
}
