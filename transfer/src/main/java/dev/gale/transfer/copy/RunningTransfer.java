package dev.gale.transfer.copy;

import dev.gale.api.ErrorInfo;
import dev.gale.transfer.Stagers;
import dev.gale.transfer.StagingException;
import dev.gale.transfer.StagingException.Reason;
import dev.gale.transfer.Urls;
import dev.gale.transfer.spi.DirectCopy;
import dev.gale.transfer.spi.ListedObject;
import dev.gale.transfer.spi.ObjectInfo;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One transfer's state and its copying; {@link CopyEngine} drives it. */
final class RunningTransfer {
  private static final Logger log = LoggerFactory.getLogger(RunningTransfer.class);

  /** One object to copy. */
  private record Item(URI from, URI to, long size) {}

  final String id;
  private final TransferRequest request;
  private final CopyEngine.Plan plan;
  private final TransferListener listener;
  private final CopyEngineOptions options;
  private final ExecutorService fileThreads;
  private final String source;
  private final String destination;
  private final Instant createdAt;
  private final Path spool;
  private final AtomicLong completedBytes = new AtomicLong();
  private final AtomicLong filesDone = new AtomicLong();
  private final CountDownLatch terminal = new CountDownLatch(1);
  private final Object publishing = new Object();
  volatile Future<?> future;

  // guarded by this
  private TransferState state = TransferState.QUEUED;
  private boolean cancelRequested;
  private Instant startedAt;
  private Instant finishedAt;
  private ErrorInfo error;
  private long bytesTotal = -1;
  private long filesTotal = -1;
  private long directBytes = -1;
  private TransferJob lastPublished;

  RunningTransfer(
      String id,
      TransferRequest request,
      CopyEngine.Plan plan,
      TransferListener listener,
      CopyEngineOptions options,
      ExecutorService fileThreads) {
    this.id = id;
    this.request = request;
    this.plan = plan;
    this.listener = listener;
    this.options = options;
    this.fileThreads = fileThreads;
    this.source = Stagers.redact(request.source());
    this.destination = Stagers.redact(request.destination());
    this.createdAt = options.clock().instant();
    this.spool = options.spoolDir().resolve(safe(id) + "-" + Long.toHexString(System.nanoTime()));
  }

  synchronized boolean start() {
    if (state != TransferState.QUEUED || cancelRequested) {
      return false;
    }
    state = TransferState.RUNNING;
    startedAt = options.clock().instant();
    return true;
  }

  /** Marks the transfer to be cancelled; false when it has finished already. */
  synchronized boolean requestCancel() {
    if (state.isTerminal()) {
      return false;
    }
    cancelRequested = true;
    return true;
  }

  synchronized boolean cancelRequested() {
    return cancelRequested;
  }

  synchronized boolean finish(TransferState to, ErrorInfo why) {
    if (state.isTerminal()) {
      return false;
    }
    state = to;
    error = why;
    finishedAt = options.clock().instant();
    return true;
  }

  /** Lets {@link #awaitTerminal} return; called once the end is published. */
  void releaseWaiters() {
    terminal.countDown();
  }

  void awaitTerminal(Duration timeout) throws InterruptedException {
    terminal.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  synchronized TransferJob snapshot() {
    long bytes;
    if (directBytes >= 0) {
      bytes = directBytes;
    } else {
      bytes = completedBytes.get() + (state == TransferState.RUNNING ? inFlightBytes() : 0);
      if (bytesTotal >= 0) {
        bytes = Math.min(bytes, bytesTotal);
      }
    }
    double rate = 0;
    if (startedAt != null) {
      Instant end = finishedAt != null ? finishedAt : options.clock().instant();
      double seconds = Duration.between(startedAt, end).toNanos() / 1e9;
      rate = seconds > 0.001 ? bytes / seconds : 0;
    }
    return new TransferJob(
        id,
        source,
        destination,
        request.recursive(),
        state,
        bytes,
        bytesTotal,
        filesDone.get(),
        filesTotal,
        Math.round(rate * 10) / 10.0,
        error,
        createdAt,
        startedAt,
        finishedAt);
  }

  /**
   * Tells the listener of the current snapshot, unless it has heard it already or heard the end.
   */
  void publish() {
    synchronized (publishing) {
      TransferJob now = snapshot();
      if (lastPublished != null
          && (lastPublished.state().isTerminal() || sameProgress(lastPublished, now))) {
        return;
      }
      lastPublished = now;
      try {
        listener.onChange(now);
      } catch (RuntimeException e) {
        log.warn("listener of transfer {} failed: {}", id, e.toString());
      }
    }
  }

  private static boolean sameProgress(TransferJob a, TransferJob b) {
    return a.state() == b.state()
        && a.bytesDone() == b.bytesDone()
        && a.filesDone() == b.filesDone()
        && a.bytesTotal() == b.bytesTotal()
        && a.filesTotal() == b.filesTotal();
  }

  /** Does the copying on the calling thread; returns when done, throws when it failed. */
  void copy() {
    if (plan.direct()) {
      DirectCopy direct = (DirectCopy) plan.source();
      long bytes =
          direct.copyDirectly(
              request.source(),
              request.destination(),
              request.recursive(),
              (done, total, files, fileCount) -> {
                synchronized (this) {
                  directBytes = done;
                  bytesTotal = total;
                  filesTotal = fileCount;
                }
                filesDone.set(files);
              });
      synchronized (this) {
        directBytes = bytes;
        bytesTotal = bytes;
      }
      return;
    }
    List<Item> items = items();
    synchronized (this) {
      filesTotal = items.size();
      bytesTotal =
          items.stream().allMatch(i -> i.size() >= 0)
              ? items.stream().mapToLong(Item::size).sum()
              : -1;
    }
    publish();
    try {
      Files.createDirectories(spool);
    } catch (IOException e) {
      throw new StagingException("cannot create the spool directory " + spool + ": " + e, false, e);
    }
    copyAll(items);
  }

  private List<Item> items() {
    if (!request.recursive()) {
      ObjectInfo info = plan.source().stat(request.source());
      URI to = request.destination();
      String path = to.getPath() == null ? "" : to.getPath();
      if (path.isEmpty() || path.endsWith("/")) {
        to = Urls.child(to, Urls.basename(request.source()));
      }
      return List.of(new Item(request.source(), to, info.size()));
    }
    List<ListedObject> listed = plan.source().list(request.source());
    if (listed.isEmpty()) {
      throw new StagingException(
          Reason.NOT_FOUND, "there is nothing to copy below " + source, false, null);
    }
    List<Item> items = new ArrayList<>();
    for (ListedObject o : listed) {
      items.add(new Item(o.url(), Urls.child(request.destination(), o.relativePath()), o.size()));
    }
    return items;
  }

  private void copyAll(List<Item> items) {
    Semaphore slots = new Semaphore(options.filesInParallel());
    List<Future<?>> running = new ArrayList<>();
    try {
      int n = 0;
      for (Item item : items) {
        slots.acquire();
        if (firstFailure(running) != null) {
          slots.release();
          break;
        }
        Path dir = spool.resolve("f" + n++);
        running.add(
            fileThreads.submit(
                () -> {
                  try {
                    copyOne(item, dir);
                  } finally {
                    slots.release();
                  }
                  return null;
                }));
      }
      for (Future<?> f : running) {
        f.get();
      }
    } catch (InterruptedException e) {
      running.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new StagingException(Reason.CANCELLED, "the transfer was interrupted", true, e);
    } catch (ExecutionException e) {
      running.forEach(f -> f.cancel(true));
      if (e.getCause() instanceof StagingException se) {
        throw se;
      }
      throw new StagingException("copying failed: " + e.getCause(), false, e.getCause());
    }
  }

  private static Throwable firstFailure(List<Future<?>> running) {
    for (Future<?> f : running) {
      if (f.isDone()) {
        try {
          f.get();
        } catch (ExecutionException e) {
          return e.getCause();
        } catch (InterruptedException | CancellationException e) {
          return e;
        }
      }
    }
    return null;
  }

  private void copyOne(Item item, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path data = dir.resolve("data");
    try {
      long bytes = plan.source().stageIn(item.from(), data);
      if (Thread.currentThread().isInterrupted()) {
        throw new StagingException(Reason.CANCELLED, "the transfer was interrupted", true, null);
      }
      plan.destination().stageOut(data, item.to());
      completedBytes.addAndGet(bytes);
      filesDone.incrementAndGet();
    } finally {
      deleteTree(dir);
    }
  }

  private long inFlightBytes() {
    if (!Files.isDirectory(spool)) {
      return 0;
    }
    try (Stream<Path> walk = Files.walk(spool)) {
      return walk.filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0; // moved or deleted meanwhile
                }
              })
          .sum();
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }

  void cleanUp() {
    deleteTree(spool);
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // best effort; the spool is a temporary area
                }
              });
    } catch (IOException | java.io.UncheckedIOException e) {
      log.debug("cannot clean {}: {}", root, e.toString());
    }
  }

  private static String safe(String id) {
    return id.replaceAll("[^A-Za-z0-9_.-]", "_");
  }
}
