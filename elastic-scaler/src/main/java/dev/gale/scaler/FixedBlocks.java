package dev.gale.scaler;

import dev.gale.scaler.spi.Provider;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a fixed number of blocks of one pool running with a {@link Provider}: the simplest scaling
 * strategy, used by the embedded default until the queue-depth scaler replaces it.
 *
 * <p>A monitor thread polls {@link Provider#status} every {@code pollInterval}. A block found in a
 * terminal state is replaced after a backoff that doubles with each consecutive early death (from
 * {@code minBackoff} up to {@code maxBackoff}) and resets once a block has lived {@code
 * stableAfter}. {@link #close()} stops the monitor and cancels every block, so nothing outlives it.
 */
public final class FixedBlocks implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FixedBlocks.class);

  /**
   * Timing of the monitor.
   *
   * @param pollInterval how often block status is read; default 1 s
   * @param minBackoff delay before the first replacement; default 1 s
   * @param maxBackoff cap on the delay of replacements; default 30 s
   * @param stableAfter a block that lived this long resets the backoff; default 60 s
   */
  public record Options(
      Duration pollInterval, Duration minBackoff, Duration maxBackoff, Duration stableAfter) {
    public static Options defaults() {
      return new Options(
          Duration.ofSeconds(1),
          Duration.ofSeconds(1),
          Duration.ofSeconds(30),
          Duration.ofSeconds(60));
    }
  }

  private final Provider provider;
  private final BlockRequest request;
  private final int count;
  private final Options options;
  private final InstantSource clock;
  private final AtomicInteger restarts = new AtomicInteger();
  private final Object lock = new Object();
  private final Map<String, BlockStatus> active = new LinkedHashMap<>();
  private final Map<String, Instant> startedAt = new LinkedHashMap<>();
  private ScheduledExecutorService monitor;
  private int pending;
  private int consecutiveEarlyDeaths;
  private boolean restarting = true;
  private boolean closed;

  /** Does no I/O; {@link #start()} submits the blocks. */
  public FixedBlocks(Provider provider, BlockRequest request, int count, Options options) {
    this(provider, request, count, options, InstantSource.system());
  }

  FixedBlocks(
      Provider provider, BlockRequest request, int count, Options options, InstantSource clock) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, got " + count);
    }
    this.provider = Objects.requireNonNull(provider, "provider");
    this.request = Objects.requireNonNull(request, "request");
    this.count = count;
    this.options = Objects.requireNonNull(options, "options");
    this.clock = clock;
  }

  /**
   * Submits the blocks and starts the monitor. Blocks that fail to submit are retried by the
   * monitor after a backoff.
   */
  public void start() {
    synchronized (lock) {
      if (monitor != null || closed) {
        throw new IllegalStateException("already started or closed");
      }
      monitor =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "gale-blocks-" + request.pool());
                t.setDaemon(true);
                return t;
              });
      pending = count;
    }
    for (int i = 0; i < count; i++) {
      monitor.execute(this::submitOne);
    }
    long poll = options.pollInterval().toMillis();
    monitor.scheduleWithFixedDelay(this::poll, poll, poll, TimeUnit.MILLISECONDS);
  }

  /** Replacements scheduled since {@link #start()}: blocks that ended plus failed submissions. */
  public int restarts() {
    return restarts.get();
  }

  /** The live blocks with their last known status. */
  public Map<String, BlockStatus> blocks() {
    synchronized (lock) {
      return Map.copyOf(active);
    }
  }

  /**
   * Stops replacing blocks that end, without stopping the running ones (for a shutdown that drains
   * workers first).
   */
  public void stopRestarting() {
    synchronized (lock) {
      restarting = false;
    }
  }

  /** Stops the monitor and cancels every block; returns when they are stopped. Idempotent. */
  @Override
  public void close() {
    ScheduledExecutorService m;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      restarting = false;
      m = monitor;
    }
    if (m != null) {
      m.shutdownNow();
      try {
        if (!m.awaitTermination(60, TimeUnit.SECONDS)) {
          log.warn("block monitor of pool {} did not stop within 60 s", request.pool());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<String> ids;
    synchronized (lock) {
      ids = new ArrayList<>(active.keySet());
    }
    if (!ids.isEmpty()) {
      log.info("stopping {} block(s) of pool {}", ids.size(), request.pool());
      provider.cancel(ids);
    }
    synchronized (lock) {
      active.clear();
      startedAt.clear();
    }
  }

  private void submitOne() {
    synchronized (lock) {
      if (closed || !restarting || pending <= 0) {
        return;
      }
      pending--;
    }
    try {
      String id = provider.submit(request);
      boolean lateClose;
      synchronized (lock) {
        active.put(id, BlockStatus.of(BlockState.PENDING, clock.instant()));
        startedAt.put(id, clock.instant());
        lateClose = closed;
      }
      if (lateClose) {
        provider.cancel(List.of(id));
      }
    } catch (RuntimeException e) {
      log.warn("pool {}: cannot start a block: {}", request.pool(), e.getMessage());
      scheduleReplacement(false);
    }
  }

  private void poll() {
    List<String> ids;
    synchronized (lock) {
      if (closed || active.isEmpty()) {
        return;
      }
      ids = new ArrayList<>(active.keySet());
    }
    Map<String, BlockStatus> statuses;
    try {
      statuses = provider.status(ids);
    } catch (RuntimeException e) {
      log.warn("pool {}: cannot read block status: {}", request.pool(), e.getMessage());
      return;
    }
    for (Map.Entry<String, BlockStatus> e : statuses.entrySet()) {
      BlockStatus s = e.getValue();
      Instant born;
      synchronized (lock) {
        if (closed || !active.containsKey(e.getKey())) {
          continue;
        }
        if (!s.isTerminal()) {
          active.put(e.getKey(), s);
          continue;
        }
        active.remove(e.getKey());
        born = startedAt.remove(e.getKey());
      }
      boolean lived =
          born != null
              && Duration.between(born, clock.instant()).compareTo(options.stableAfter()) >= 0;
      log.warn(
          "pool {}: block {} ended: {}{}",
          request.pool(),
          e.getKey(),
          s.state(),
          s.message() == null ? "" : " (" + s.message() + ")");
      scheduleReplacement(lived);
    }
  }

  private void scheduleReplacement(boolean afterStableLife) {
    Duration delay;
    synchronized (lock) {
      if (closed || !restarting) {
        return;
      }
      consecutiveEarlyDeaths = afterStableLife ? 0 : consecutiveEarlyDeaths + 1;
      int shift = Math.min(Math.max(consecutiveEarlyDeaths - 1, 0), 20);
      long ms = options.minBackoff().toMillis() << shift;
      delay = Duration.ofMillis(Math.min(ms, options.maxBackoff().toMillis()));
      pending++;
    }
    int n = restarts.incrementAndGet();
    log.info(
        "pool {}: replacing a block in {} ms (restart #{})", request.pool(), delay.toMillis(), n);
    try {
      monitor.schedule(this::submitOne, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed meanwhile: nothing to replace
    }
  }
}
