package dev.gale.transfer.copy;

import dev.gale.api.ConflictException;
import dev.gale.api.ErrorInfo;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.NotFoundException;
import dev.gale.transfer.Stagers;
import dev.gale.transfer.StagingException;
import dev.gale.transfer.StagingException.Reason;
import dev.gale.transfer.Urls;
import dev.gale.transfer.spi.DirectCopy;
import dev.gale.transfer.spi.Stager;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies data between any two supported URLs on request, tracked like a task: the engine behind
 * {@code POST /v1/transfers}.
 *
 * <pre>
 * submit ──validate (400 now)──▶ queued ──free slot──▶ running ──▶ succeeded | failed | cancelled
 *   running: DirectCopy stager (globus ─▶ globus)? one remote task, its progress
 *            else: stat or list the source ─▶ per file: stageIn to a spool file ─▶ stageOut
 *                  (filesInParallel at once), progress from completed files + spool file sizes
 * </pre>
 *
 * <p>Transfers live in memory only: the caller (the gateway) keeps the durable record, tenancy and
 * ids, and hears of every change through the {@link TransferListener} given at submission. A
 * bounded number of finished transfers stay readable here; {@link #forget} drops one sooner.
 *
 * <p>Errors are the {@code dev.gale.api} family: {@link InvalidRequestException} for a bad request
 * (unknown scheme, a recursive copy from a store without listing, source equal to destination),
 * {@link NotFoundException} for an unknown id, {@link ConflictException} for a duplicate id or
 * cancelling a finished transfer. A failed copy ends {@code failed} with the {@code staging_failed}
 * error of its first failing file. Thread-safe.
 */
public final class CopyEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CopyEngine.class);

  private final Stagers stagers;
  private final CopyEngineOptions options;
  private final ExecutorService transferThreads;
  private final ExecutorService fileThreads;
  private final ScheduledExecutorService ticker;
  private final Map<String, RunningTransfer> transfers = new ConcurrentHashMap<>();
  private final Deque<String> finished = new ArrayDeque<>();

  /** An engine over the given stagers; starts its threads. */
  public CopyEngine(Stagers stagers, CopyEngineOptions options) {
    this.stagers = stagers;
    this.options = options;
    this.transferThreads =
        Executors.newFixedThreadPool(options.maxConcurrentTransfers(), threads("gale-transfer"));
    this.fileThreads =
        Executors.newFixedThreadPool(
            options.maxConcurrentTransfers() * options.filesInParallel(),
            threads("gale-transfer-file"));
    this.ticker = Executors.newSingleThreadScheduledExecutor(threads("gale-transfer-progress"));
    long every = options.progressInterval().toMillis();
    ticker.scheduleAtFixedRate(this::tick, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Validates and queues a transfer.
   *
   * @param id the id to track it by, or null for a generated {@code tr-<uuid>}
   * @param listener told of every change, from the engine's threads
   * @return the queued transfer
   * @throws InvalidRequestException when the request cannot work (the message names why)
   * @throws ConflictException when the id is taken
   */
  public TransferJob submit(String id, TransferRequest request, TransferListener listener) {
    Plan plan = validate(request);
    String key = id == null ? "tr-" + UUID.randomUUID() : id;
    RunningTransfer t = new RunningTransfer(key, request, plan, listener, options, fileThreads);
    if (transfers.putIfAbsent(key, t) != null) {
      throw new ConflictException("a transfer with id " + key + " exists already");
    }
    t.publish();
    t.future = transferThreads.submit(() -> run(t));
    return t.snapshot();
  }

  /** The transfer with this id, if the engine still has it. */
  public Optional<TransferJob> get(String id) {
    RunningTransfer t = transfers.get(id);
    return t == null ? Optional.empty() : Optional.of(t.snapshot());
  }

  /** Every transfer the engine has, oldest first. */
  public List<TransferJob> list() {
    return transfers.values().stream()
        .map(RunningTransfer::snapshot)
        .sorted(Comparator.comparing(TransferJob::createdAt).thenComparing(TransferJob::id))
        .toList();
  }

  /**
   * Cancels a queued or running transfer: a queued one ends at once, a running one as soon as its
   * copies notice the interrupt (a Globus task is cancelled at the service).
   *
   * @return the transfer as it is after the request
   * @throws NotFoundException for an unknown id
   * @throws ConflictException when it has finished already
   */
  public TransferJob cancel(String id) {
    RunningTransfer t = transfers.get(id);
    if (t == null) {
      throw new NotFoundException("no transfer " + id);
    }
    if (!t.requestCancel()) {
      throw new ConflictException(
          "transfer " + id + " has finished already (" + t.snapshot().state().wireName() + ")");
    }
    if (t.future != null && t.future.cancel(true) && t.snapshot().state() == TransferState.QUEUED) {
      finish(t, TransferState.CANCELLED, null);
    }
    return t.snapshot();
  }

  /** Drops a finished transfer from memory; false when unknown or still running. */
  public boolean forget(String id) {
    RunningTransfer t = transfers.get(id);
    if (t == null || !t.snapshot().state().isTerminal()) {
      return false;
    }
    return transfers.remove(id, t);
  }

  /**
   * Waits until the transfer is terminal or the timeout passes.
   *
   * @return its state then
   * @throws NotFoundException for an unknown id
   */
  public TransferJob await(String id, Duration timeout) throws InterruptedException {
    RunningTransfer t = transfers.get(id);
    if (t == null) {
      throw new NotFoundException("no transfer " + id);
    }
    t.awaitTerminal(timeout);
    return t.snapshot();
  }

  /** Stops the engine: running transfers are interrupted and end {@code cancelled}. */
  @Override
  public void close() {
    transfers.values().forEach(RunningTransfer::requestCancel);
    ticker.shutdownNow();
    transferThreads.shutdownNow();
    fileThreads.shutdownNow();
  }

  /** How a validated transfer will run. */
  record Plan(Stager source, Stager destination, boolean direct) {}

  private Plan validate(TransferRequest r) {
    Stager from = stagerFor(r.source(), "source");
    Stager to = stagerFor(r.destination(), "destination");
    if (Stagers.redact(r.source()).equals(Stagers.redact(r.destination()))) {
      throw new InvalidRequestException("source and destination are the same URL");
    }
    boolean direct = from instanceof DirectCopy d && d.copiesDirectly(r.source(), r.destination());
    if (r.recursive() && !direct && !from.supportsListing()) {
      throw new InvalidRequestException(
          r.source().getScheme()
              + " URLs cannot be listed, so they cannot be copied recursively; copy single objects"
              + " (listable: file, s3, globus)");
    }
    if (!r.recursive() && !direct && Urls.basename(r.source()).isEmpty()) {
      throw new InvalidRequestException("the source names no object (set recursive for a prefix)");
    }
    return new Plan(from, to, direct);
  }

  private Stager stagerFor(URI url, String what) {
    try {
      return stagers.forUrl(url);
    } catch (StagingException e) {
      throw new InvalidRequestException(what + ": " + e.getMessage());
    }
  }

  private void run(RunningTransfer t) {
    if (!t.start()) {
      finish(t, TransferState.CANCELLED, null); // cancelled while queued
      return;
    }
    t.publish();
    try {
      t.copy();
      finish(t, t.cancelRequested() ? TransferState.CANCELLED : TransferState.SUCCEEDED, null);
    } catch (StagingException e) {
      boolean cancelled = t.cancelRequested() || e.reason() == Reason.CANCELLED;
      finish(
          t,
          cancelled ? TransferState.CANCELLED : TransferState.FAILED,
          cancelled ? null : e.toErrorInfo());
    } catch (Throwable e) {
      // whatever happens, the transfer must reach a terminal state (an executor hides throwables,
      // and Kotlin libraries throw checked exceptions they do not declare)
      log.warn("transfer {} failed unexpectedly", t.id, e);
      finish(
          t,
          t.cancelRequested() ? TransferState.CANCELLED : TransferState.FAILED,
          ErrorInfo.of("staging_failed", "the transfer failed: " + e));
    } finally {
      t.cleanUp();
    }
  }

  private void finish(RunningTransfer t, TransferState state, ErrorInfo error) {
    if (!t.finish(
        state,
        state == TransferState.CANCELLED && error == null
            ? ErrorInfo.of("cancelled", "the transfer was cancelled")
            : error)) {
      return;
    }
    t.publish();
    synchronized (finished) {
      finished.add(t.id);
      while (finished.size() > options.keepFinished()) {
        transfers.remove(finished.poll());
      }
    }
    t.releaseWaiters();
  }

  private void tick() {
    for (RunningTransfer t : transfers.values()) {
      try {
        if (t.snapshot().state() == TransferState.RUNNING) {
          t.publish();
        }
      } catch (RuntimeException e) {
        log.warn("progress of transfer {}: {}", t.id, e.toString());
      }
    }
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread thread = new Thread(r, prefix + "-" + n.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
