package dev.gale.scaler.local;

import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.BlockRecord;
import dev.gale.scaler.BlockRequest;
import dev.gale.scaler.BlockState;
import dev.gale.scaler.BlockStatus;
import dev.gale.scaler.ProviderException;
import dev.gale.scaler.spi.Provider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One block = one process on this machine, running the configured {@link BlockCommand} with its
 * stdout and stderr appended to {@code <logDir>/<blockId>.log}.
 *
 * <p>Status comes from the live {@link Process}: alive is {@code RUNNING}; exit code 0 is {@code
 * COMPLETED}, any other {@code FAILED}; a block stopped through {@link #cancel} is {@code
 * CANCELLED}. Cancel sends SIGTERM to the block's process, waits up to the grace period, then kills
 * the whole process tree. Processes of a block's tree that outlive its root (seen during earlier
 * status polls) are killed when the root's exit is observed.
 *
 * <p><b>Standby.</b> When the command has a standby mode ({@link BlockCommand#standbyArgs}) and
 * standby is on, {@link #keepReady} keeps one process started ahead of demand under the id of the
 * next block, waiting on its stdin: a JVM's start-up is then paid before the burst, not during it.
 * {@link #submit} of an equal request takes it (one line on its stdin and it connects); the next
 * one is started on a later {@link #keepReady}, {@link #STANDBY_REFILL_DELAY} after, so that it
 * does not compete for CPU with the block just started. A standby that exits by itself is logged
 * and not replaced for {@link #STANDBY_RETRY_DELAY}. It is no block: never reported, no slot; it
 * exits when its stdin closes, so it cannot outlive this JVM.
 *
 * <p>Block ids look like {@code local-k3x9q2-1}: a random part per provider instance and a
 * sequence, so that the pools of one machine (each with its own provider) and a provider that
 * replaces another never share an id. The {@link #jobId} of a block is its process id; another
 * instance on the same machine can {@link #adopt} the block by it (its exit code is then unknown).
 */
public final class LocalProvider implements Provider {
  /** The provider key. */
  public static final String KEY = "local";

  /** Default time a block gets to exit after SIGTERM. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

  /** How much later than its block's submission an adopted process may have started. */
  private static final Duration ADOPT_CLOCK_SLACK = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(LocalProvider.class);

  private final BlockCommand command;
  private final Path logDir;
  private final Duration grace;
  private final InstantSource clock;
  private final String idPrefix =
      KEY + "-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 35), 36) + "-";
  private final AtomicLong seq = new AtomicLong();
  private final Map<String, Block> blocks = new ConcurrentHashMap<>();
  private final boolean standbyWanted;

  /** How long after a standby was taken the next one is started. */
  static final Duration STANDBY_REFILL_DELAY = Duration.ofSeconds(2);

  /** How long after a standby exited by itself another one is tried. */
  static final Duration STANDBY_RETRY_DELAY = Duration.ofSeconds(30);

  /** The process kept ready, or null; guarded by {@code this}. */
  private Standby standby;

  /** No standby is started before this; guarded by {@code this}. */
  private Instant nextStandbyAt = Instant.MIN;

  /**
   * A provider; does no I/O.
   *
   * @param command what each block runs
   * @param logDir where block logs go; created on first submit
   * @param grace how long a block gets to exit after SIGTERM
   */
  public LocalProvider(BlockCommand command, Path logDir, Duration grace) {
    this(command, logDir, grace, false, InstantSource.system());
  }

  /**
   * A provider; does no I/O.
   *
   * @param command what each block runs
   * @param logDir where block logs go; created on first submit
   * @param grace how long a block gets to exit after SIGTERM
   * @param standby whether {@link #keepReady} keeps a process ready (when the command can)
   */
  public LocalProvider(BlockCommand command, Path logDir, Duration grace, boolean standby) {
    this(command, logDir, grace, standby, InstantSource.system());
  }

  LocalProvider(
      BlockCommand command, Path logDir, Duration grace, boolean standby, InstantSource clock) {
    this.command = Objects.requireNonNull(command, "command");
    this.logDir = Objects.requireNonNull(logDir, "logDir");
    this.grace = Objects.requireNonNull(grace, "grace");
    this.standbyWanted = standby && !command.standbyArgs().isEmpty();
    this.clock = clock;
  }

  @Override
  public String key() {
    return KEY;
  }

  @Override
  public String submit(BlockRequest request) {
    Standby ready = takeStandby(request);
    if (ready != null) {
      return ready.id;
    }
    String id = idPrefix + seq.incrementAndGet();
    List<String> argv = command.argvFor(id, request);
    try {
      Process p = launch(id, request, argv, "starting", false);
      blocks.put(id, new Block(id, p, p.toHandle(), logFile(id), clock.instant()));
      log.info(
          "block {} of pool {} started as pid {}, log {}",
          id,
          request.pool(),
          p.pid(),
          logFile(id));
      return id;
    } catch (IOException e) {
      throw ProviderException.commandFailed(
          "cannot start block " + id + ": " + e.getMessage(),
          argv,
          null,
          "",
          e.getMessage(),
          false,
          e);
    }
  }

  /** Starts a block's process, its output appended to the block's log after a header line. */
  private Process launch(
      String id, BlockRequest request, List<String> argv, String what, boolean standbyInput)
      throws IOException {
    Path logFile = logFile(id);
    Files.createDirectories(logDir);
    writeLine(
        id,
        "--- block " + id + " of pool " + request.pool() + " " + what + " at " + clock.instant());
    ProcessBuilder pb =
        new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .redirectInput(
                standbyInput
                    ? ProcessBuilder.Redirect.PIPE
                    : ProcessBuilder.Redirect.from(nullFile()));
    pb.environment().putAll(command.envFor(id, request));
    return pb.start();
  }

  /**
   * The standby made the block of this request, when one is ready for an equal request: told to
   * connect, and tracked as a block from now on. Null when there is none (or it had died).
   */
  private Standby takeStandby(BlockRequest request) {
    Standby s;
    synchronized (this) {
      s = standby;
      if (s == null || !s.request.equals(request)) {
        return null;
      }
      standby = null;
      nextStandbyAt = clock.instant().plus(STANDBY_REFILL_DELAY);
    }
    try (var in = s.process.getOutputStream()) {
      in.write("connect\n".getBytes(StandardCharsets.US_ASCII));
      in.flush();
    } catch (IOException e) {
      log.warn("standby {} of pool {} is gone ({}); starting a block", s.id, request.pool(), e);
      s.process.destroyForcibly();
      return null;
    }
    if (!s.process.isAlive()) {
      log.warn("standby {} of pool {} had exited; starting a block", s.id, request.pool());
      return null;
    }
    appendToLog(s.id, "--- taken as block " + s.id + " at " + clock.instant());
    blocks.put(
        s.id, new Block(s.id, s.process, s.process.toHandle(), logFile(s.id), clock.instant()));
    log.info(
        "block {} of pool {} started from the standby agent (pid {}), log {}",
        s.id,
        request.pool(),
        s.process.pid(),
        logFile(s.id));
    return s;
  }

  @Override
  public void keepReady(BlockRequest request) {
    if (!standbyWanted) {
      return;
    }
    Standby stale = null;
    synchronized (this) {
      if (standby != null) {
        if (!standby.process.isAlive()) {
          log.warn(
              "standby {} of pool {} exited by itself (code {}); see {}. Next try in {} s",
              standby.id,
              standby.request.pool(),
              standby.process.exitValue(),
              logFile(standby.id),
              STANDBY_RETRY_DELAY.toSeconds());
          standby = null;
          nextStandbyAt = clock.instant().plus(STANDBY_RETRY_DELAY);
        } else if (standby.request.equals(request)) {
          return;
        } else {
          stale = standby; // the pool's settings changed
          standby = null;
        }
      }
      if (!clock.instant().isBefore(nextStandbyAt)) {
        String id = idPrefix + seq.incrementAndGet();
        List<String> argv = new ArrayList<>(command.argvFor(id, request));
        argv.addAll(command.standbyArgs());
        try {
          Process p = launch(id, request, argv, "prepared as a standby", true);
          standby = new Standby(id, request, p);
          log.debug("pool {}: standby {} started as pid {}", request.pool(), id, p.pid());
        } catch (IOException e) {
          log.warn("pool {}: cannot start a standby: {}", request.pool(), e.getMessage());
          nextStandbyAt = clock.instant().plus(STANDBY_RETRY_DELAY);
        }
      }
    }
    release(stale);
  }

  @Override
  public void dropReady() {
    Standby s;
    synchronized (this) {
      s = standby;
      standby = null;
    }
    release(s);
  }

  /** Stops an unused standby (closing its stdin is enough; the signal makes sure) and its log. */
  private void release(Standby s) {
    if (s == null) {
      return;
    }
    try {
      s.process.getOutputStream().close();
    } catch (IOException e) {
      // gone already
    }
    ProcessTree.terminate(List.of(s.process.toHandle()), Set.of(), grace);
    try {
      Files.deleteIfExists(logFile(s.id));
    } catch (IOException e) {
      log.debug("log of standby {} not deleted: {}", s.id, e.toString());
    }
  }

  /** Appends a line of the provider's own to a block's log. */
  private void writeLine(String id, String line) throws IOException {
    Files.writeString(
        logFile(id),
        line + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private void appendToLog(String id, String line) {
    try {
      writeLine(id, line);
    } catch (IOException e) {
      log.debug("cannot write to the log of {}: {}", id, e.toString());
    }
  }

  /** The process kept ready by {@link #keepReady}, under the id it will have as a block. */
  private record Standby(String id, BlockRequest request, Process process) {}

  @Override
  public Map<String, BlockStatus> status(Collection<String> ids) {
    Map<String, BlockStatus> out = new LinkedHashMap<>();
    for (String id : ids) {
      Block b = blocks.get(id);
      out.put(id, b == null ? BlockStatus.of(BlockState.MISSING, clock.instant()) : b.status());
    }
    return out;
  }

  @Override
  public void cancel(Collection<String> ids) {
    List<Block> live = new ArrayList<>();
    for (String id : ids) {
      Block b = blocks.get(id);
      if (b != null && b.markCancelled()) {
        live.add(b);
      }
    }
    if (live.isEmpty()) {
      return;
    }
    Set<ProcessHandle> known = new LinkedHashSet<>();
    live.forEach(b -> known.addAll(b.seen));
    ProcessTree.terminate(live.stream().map(b -> b.handle).toList(), known, grace);
    live.forEach(b -> log.info("block {} cancelled", b.id));
  }

  @Override
  public Optional<String> jobId(String blockId) {
    return Optional.ofNullable(blocks.get(blockId)).map(b -> Long.toString(b.handle.pid()));
  }

  /**
   * Adopts a block of another local provider on this machine by its process id, when that process
   * is alive and was started no later than the block was submitted (a recycled pid belongs to a
   * younger process and is refused).
   */
  @Override
  public boolean adopt(BlockRecord record) {
    if (blocks.containsKey(record.id())) {
      return true;
    }
    long pid;
    try {
      pid = Long.parseLong(String.valueOf(record.jobId()));
    } catch (NumberFormatException e) {
      return false;
    }
    Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (h.isEmpty()) {
      return false;
    }
    Optional<Instant> started = h.get().info().startInstant();
    if (started.isPresent()
        && started.get().isAfter(record.submittedAt().plus(ADOPT_CLOCK_SLACK))) {
      log.warn(
          "not adopting block {}: pid {} now belongs to a process started at {}, after the block"
              + " was submitted",
          record.id(),
          pid,
          started.get());
      return false;
    }
    Block b = new Block(record.id(), null, h.get(), logFile(record.id()), record.submittedAt());
    if (blocks.putIfAbsent(record.id(), b) == null) {
      log.info("adopted block {} (pid {})", record.id(), pid);
    }
    return true;
  }

  /** The process of a block this provider started, while it knows the block. */
  public Optional<Process> process(String blockId) {
    return Optional.ofNullable(blocks.get(blockId)).map(b -> b.process);
  }

  /** The process of a block, started or adopted, while the provider knows the block. */
  public Optional<ProcessHandle> handle(String blockId) {
    return Optional.ofNullable(blocks.get(blockId)).map(b -> b.handle);
  }

  /** The log file of a block. */
  public Path logFile(String blockId) {
    return logDir.resolve(blockId + ".log");
  }

  private static java.io.File nullFile() {
    return new java.io.File(
        System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  /** One block's process and what the provider saw of it. */
  private final class Block {
    final String id;

    /** The process when this provider started it; null for an adopted block. */
    final Process process;

    final ProcessHandle handle;
    final Path logFile;
    final Instant startedAt;
    final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;
    private volatile Instant endedAt;

    Block(String id, Process process, ProcessHandle handle, Path logFile, Instant startedAt) {
      this.id = id;
      this.process = process;
      this.handle = handle;
      this.logFile = logFile;
      this.startedAt = startedAt;
      handle.onExit().thenRun(this::ended);
    }

    /** Marks it cancelled; false when it was already cancelled or had ended. */
    synchronized boolean markCancelled() {
      if (cancelled || !alive()) {
        return false;
      }
      cancelled = true;
      return true;
    }

    private void ended() {
      endedAt = clock.instant();
      if (!seen.isEmpty()) {
        ProcessTree.killLeftovers(seen);
      }
    }

    /** For a child, the JDK's view (it has reaped the exit code once it says dead). */
    boolean alive() {
      return process != null ? process.isAlive() : handle.isAlive();
    }

    BlockStatus status() {
      if (alive()) {
        handle.descendants().forEach(seen::add);
        return cancelled
            ? new BlockStatus(BlockState.RUNNING, "stopping", startedAt)
            : BlockStatus.of(BlockState.RUNNING, startedAt);
      }
      Instant since = endedAt != null ? endedAt : clock.instant();
      if (process == null) {
        // adopted: another JVM was its parent, so its exit code is lost
        return cancelled
            ? new BlockStatus(BlockState.CANCELLED, "cancelled", since)
            : new BlockStatus(
                BlockState.COMPLETED,
                "exited (exit code unknown: adopted from another scaler); log: " + logFile,
                since);
      }
      int code = process.exitValue();
      if (cancelled) {
        return new BlockStatus(BlockState.CANCELLED, "cancelled (exit code " + code + ")", since);
      }
      if (code == 0) {
        return new BlockStatus(BlockState.COMPLETED, "exited with code 0", since);
      }
      return new BlockStatus(
          BlockState.FAILED, "exited with code " + code + "; log: " + logFile, since);
    }
  }
}
