package dev.gale.scaler.batch;

import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.BlockRecord;
import dev.gale.scaler.BlockRequest;
import dev.gale.scaler.BlockState;
import dev.gale.scaler.BlockStatus;
import dev.gale.scaler.ProviderException;
import dev.gale.scaler.spi.Provider;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider whose blocks are batch jobs: the bookkeeping Slurm and PBS share. A subclass renders
 * the script, submits it, queries and cancels jobs; this class writes the block's files, keeps
 * block ids apart from job ids, remembers final states, reports {@code CANCELLED} for jobs it was
 * asked to cancel, and adds the tail of a failed job's output to its status message.
 *
 * <p>Block ids look like {@code slurm-k3x9q2-1}: the key, a random part per provider instance (so
 * that two instances sharing a script directory never pick the same file names) and a sequence.
 */
public abstract class BatchProvider implements Provider {
  /** How long a block's final status is kept after it ended; then the block is forgotten. */
  static final Duration RETAIN_ENDED = Duration.ofHours(1);

  private static final Logger log = LoggerFactory.getLogger(BatchProvider.class);
  private static final int TAIL_LINES = 10;
  private static final int TAIL_BYTES = 2000;

  private final String key;
  private final BlockCommand command;
  private final String idPrefix;
  private final AtomicLong seq = new AtomicLong();
  private final Map<String, BatchJob> jobs = new ConcurrentHashMap<>();

  /** The common options. */
  protected final BatchOptions options;

  /** Runs the scheduler's commands. */
  protected final CommandRunner runner;

  /** The clock for {@code since} times. */
  protected final InstantSource clock;

  /** Does no I/O. */
  protected BatchProvider(
      String key,
      BlockCommand command,
      BatchOptions options,
      CommandRunner runner,
      InstantSource clock) {
    this.key = Objects.requireNonNull(key, "key");
    this.command = Objects.requireNonNull(command, "command");
    this.options = Objects.requireNonNull(options, "options");
    this.runner = Objects.requireNonNull(runner, "runner");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.idPrefix =
        key
            + "-"
            + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 35), 36)
            + "-";
  }

  /** The scheduler's name for messages, e.g. {@code Slurm}. */
  protected abstract String scheduler();

  /** The job script of one block. */
  protected abstract String renderScript(JobSpec spec);

  /**
   * Submits the script in {@code files}.
   *
   * @return the scheduler's job id
   * @throws ProviderException when the scheduler refuses it, with the command's details
   */
  protected abstract String submitJob(BlockFiles files);

  /**
   * The states of jobs, keyed by block id; a job the scheduler no longer knows is left out.
   *
   * @throws ProviderException when the scheduler cannot be queried
   */
  protected abstract Map<String, NativeStatus> query(List<BatchJob> jobs);

  /**
   * Stops jobs (pending or running); jobs that already ended must not make it fail.
   *
   * @throws ProviderException when the scheduler refuses
   */
  protected abstract void cancelJobs(List<BatchJob> jobs);

  @Override
  public final String key() {
    return key;
  }

  @Override
  public final String submit(BlockRequest request) {
    forgetOldBlocks();
    String id = idPrefix + seq.incrementAndGet();
    Duration walltime = request.walltime() != null ? request.walltime() : options.walltime();
    BlockFiles files = BlockFiles.in(options.scriptDir(), id);
    try {
      Files.createDirectories(
          options.scriptDir(),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Shell.writePrivate(files.env(), Shell.exports(command.envFor(id, request)));
      JobSpec spec = new JobSpec(id, request, walltime, command.argvFor(id, request), files);
      Shell.writeExecutable(files.script(), renderScript(spec));
    } catch (IOException | IllegalArgumentException e) {
      deleteQuietly(files.env());
      throw new ProviderException(
          "cannot write the job script of block " + id + " to " + files.script() + ": " + e,
          false,
          e);
    }
    String jobId;
    try {
      jobId = submitJob(files);
    } catch (RuntimeException e) {
      deleteQuietly(files.env());
      throw e;
    }
    jobs.put(id, new BatchJob(id, jobId, files, walltime, clock.instant()));
    log.info(
        "block {} of pool {} submitted as {} job {} ({} node(s), walltime {}); script {}",
        id,
        request.pool(),
        scheduler(),
        jobId,
        request.nodes(),
        Walltime.hms(walltime),
        files.script());
    return id;
  }

  @Override
  public final Map<String, BlockStatus> status(Collection<String> ids) {
    Instant now = clock.instant();
    Map<String, BlockStatus> out = new LinkedHashMap<>();
    List<BatchJob> active = new ArrayList<>();
    for (String id : new LinkedHashSet<>(ids)) {
      BatchJob j = jobs.get(id);
      if (j == null) {
        out.put(id, new BlockStatus(BlockState.MISSING, "no such block in this provider", now));
      } else if (j.finalStatus() != null) {
        out.put(id, j.finalStatus());
      } else {
        out.put(id, null);
        active.add(j);
      }
    }
    if (!active.isEmpty()) {
      Map<String, NativeStatus> found = query(active);
      for (BatchJob j : active) {
        out.put(j.blockId(), observe(j, found.get(j.blockId()), now));
      }
    }
    return out;
  }

  private BlockStatus observe(BatchJob j, NativeStatus ns, Instant now) {
    BlockState state;
    String message;
    Instant since;
    if (ns == null) {
      state = BlockState.MISSING;
      message = scheduler() + " no longer knows job " + j.jobId();
      since = now;
    } else {
      state = ns.state();
      message = ns.message();
      since = ns.since();
    }
    if (j.cancelled() && state.isTerminal() && state != BlockState.CANCELLED) {
      message =
          "cancelled; "
              + scheduler()
              + " reports "
              + state
              + (message == null ? "" : ": " + message);
      state = BlockState.CANCELLED;
    }
    if (state == BlockState.FAILED) {
      message = (message == null ? "" : message + "; ") + outputSummary(j.files().output());
    }
    BlockStatus s = j.record(state, message, since, now);
    if (s.isTerminal()) {
      deleteQuietly(j.files().env());
      log.info(
          "block {} ({} job {}) ended {}: {}",
          j.blockId(),
          scheduler(),
          j.jobId(),
          s.state(),
          s.message());
    }
    return s;
  }

  @Override
  public final void cancel(Collection<String> ids) {
    List<BatchJob> live = new ArrayList<>();
    for (String id : new LinkedHashSet<>(ids)) {
      BatchJob j = jobs.get(id);
      if (j != null && j.markCancelled()) {
        live.add(j);
      }
    }
    if (live.isEmpty()) {
      return;
    }
    try {
      cancelJobs(live);
    } catch (RuntimeException e) {
      live.forEach(BatchJob::unmarkCancelled);
      throw e;
    }
    live.forEach(j -> deleteQuietly(j.files().env()));
    log.info(
        "cancelled block(s) {}",
        live.stream()
            .map(j -> j.blockId() + " (" + scheduler() + " job " + j.jobId() + ")")
            .toList());
  }

  /** The scheduler's job id of a block this provider submitted (or adopted) and still remembers. */
  @Override
  public Optional<String> jobId(String blockId) {
    return Optional.ofNullable(jobs.get(blockId)).map(BatchJob::jobId);
  }

  /**
   * Adopts the job of a block submitted by another instance of this provider: the record's {@code
   * jobId} is the scheduler's job id, and the block's files are where this provider's {@code
   * scriptDir} puts them (instances of one pool share it). Does no I/O: the next {@link #status}
   * asks the scheduler about the job.
   */
  @Override
  public boolean adopt(BlockRecord record) {
    if (record.jobId() == null
        || record.jobId().isBlank()
        || !record.id().startsWith(key + "-")
        || !record.jobId().matches("[A-Za-z0-9_.\\[\\]-]+")) {
      return false;
    }
    BatchJob j =
        new BatchJob(
            record.id(),
            record.jobId(),
            BlockFiles.in(options.scriptDir(), record.id()),
            options.walltime(),
            record.submittedAt());
    if (jobs.putIfAbsent(record.id(), j) == null) {
      log.info("adopted block {} ({} job {})", record.id(), scheduler(), record.jobId());
    }
    return true;
  }

  /** The files of a block this provider submitted and still remembers. */
  public Optional<BlockFiles> files(String blockId) {
    return Optional.ofNullable(jobs.get(blockId)).map(BatchJob::files);
  }

  private void forgetOldBlocks() {
    Instant cutoff = clock.instant().minus(RETAIN_ENDED);
    jobs.values()
        .removeIf(j -> j.finalStatus() != null && j.finalStatus().since().isBefore(cutoff));
  }

  /** Where a failed job's output is, and how it ends. */
  static String outputSummary(Path output) {
    if (!Files.isReadable(output)) {
      return "no output at " + output;
    }
    try (RandomAccessFile f = new RandomAccessFile(output.toFile(), "r")) {
      long len = f.length();
      long from = Math.max(0, len - 4 * TAIL_BYTES);
      byte[] b = new byte[(int) (len - from)];
      f.seek(from);
      f.readFully(b);
      List<String> lines = Arrays.asList(new String(b, StandardCharsets.UTF_8).strip().split("\n"));
      String tail =
          String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
      if (tail.length() > TAIL_BYTES) {
        tail = "..." + tail.substring(tail.length() - TAIL_BYTES);
      }
      return tail.isBlank()
          ? "output " + output + " is empty"
          : "output " + output + " ends with:\n" + tail;
    } catch (IOException e) {
      return "cannot read output " + output + ": " + e.getMessage();
    }
  }

  /** Deletes a file, logging (not throwing) when it cannot. */
  protected static void deleteQuietly(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      log.warn("cannot delete {}: {}", f, e.toString());
    }
  }
}
