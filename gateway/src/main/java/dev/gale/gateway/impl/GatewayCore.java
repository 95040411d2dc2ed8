package dev.gale.gateway.impl;

import dev.gale.gateway.GatewayOptions;
import dev.gale.gateway.auth.TokenService;
import dev.gale.scheduler.Scheduler;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one gateway shares between its HTTP verticle and its worker side: token service,
 * function cache, waiters, metrics, the result recorder and terminal fetcher threads, and the
 * worker hub. Built by {@link dev.gale.gateway.Gateway}; constructing it does no I/O and starts no
 * thread ({@link #start()} does).
 */
public final class GatewayCore {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayCore.class);

  final Vertx vertx;
  final Scheduler scheduler;
  final GatewayOptions options;
  final TokenService tokens;
  final FunctionCache functions;
  final TaskWaiters waiters = new TaskWaiters();
  final GatewayMetrics metrics = new GatewayMetrics();
  final ResultRecorder recorder;
  final TerminalFetcher fetcher;
  final WorkerHub hub;
  final LongPolls longPolls;
  final Transfers transfers;
  private final List<AutoCloseable> listeners = new ArrayList<>();

  public GatewayCore(
      Vertx vertx, Scheduler scheduler, GatewayOptions options, TokenService tokens) {
    this.vertx = vertx;
    this.scheduler = scheduler;
    this.options = options;
    this.tokens = tokens;
    this.functions = new FunctionCache(scheduler);
    this.recorder =
        new ResultRecorder(
            scheduler,
            waiters,
            metrics,
            this::isWorkerConnected,
            "gale-recorder-" + options.gatewayId());
    this.fetcher = new TerminalFetcher(scheduler, waiters, "gale-terminal-" + options.gatewayId());
    this.hub = new WorkerHub(vertx, scheduler, options, functions, recorder);
    this.longPolls = new LongPolls(vertx, scheduler, waiters);
    this.transfers = new Transfers(scheduler, options.gatewayId(), options::transfer);
  }

  /** Starts the threads and subscribes to the scheduler's notifications. Blocks briefly. */
  public void start() {
    recorder.start();
    fetcher.start();
    listeners.add(scheduler.onTerminal(fetcher));
    listeners.add(scheduler.onCancelRequest(hub::forwardCancels));
    listeners.add(scheduler.onDrainRequest(hub::drainBlock));
  }

  private boolean isWorkerConnected(String workerId) {
    return hub != null && hub.isConnected(workerId);
  }

  /** The token service. */
  public TokenService tokens() {
    return tokens;
  }

  /** The HTTP verticle of this gateway. */
  public ApiVerticle newVerticle() {
    return new ApiVerticle(this);
  }

  /** Sends {@code drain} to every connected worker and waits for them to leave. Blocks. */
  public void drainWorkers(Duration timeout) {
    hub.drain(timeout);
  }

  /** Number of workers connected to this gateway. */
  public int connectedWorkers() {
    return hub.sessions().size();
  }

  /**
   * Stops everything started by {@link #start()}: unsubscribes, gives back the attempts of still
   * connected workers, records what is queued, stops the threads. Blocks briefly.
   */
  public void close() {
    for (AutoCloseable l : listeners) {
      try {
        l.close();
      } catch (Exception e) {
        LOG.debug("could not remove a scheduler listener: {}", e.toString());
      }
    }
    listeners.clear();
    hub.close();
    transfers.close();
    recorder.close(5000);
    fetcher.close();
    metrics.close();
  }
}
