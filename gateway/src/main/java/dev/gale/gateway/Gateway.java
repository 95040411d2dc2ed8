package dev.gale.gateway;

import dev.gale.gateway.auth.TokenService;
import dev.gale.gateway.impl.ApiVerticle;
import dev.gale.gateway.impl.GatewayCore;
import dev.gale.scheduler.Scheduler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the HTTP API of DESIGN.md, the worker WebSocket endpoint and the metrics, in
 * front of a {@link Scheduler}. Stateless apart from its connected workers: run any number behind a
 * load balancer.
 *
 * <pre>{@code
 * Scheduler scheduler = Schedulers.member(SchedulerOptions.builder().build());
 * Gateway gateway = Gateway.start(Vertx.vertx(), scheduler, GatewayOptions.builder().build());
 * String admin = gateway.tokens().mint("admin", Role.ADMIN, null);
 * ...
 * gateway.drainWorkers(Duration.ofSeconds(30));
 * gateway.close();
 * }</pre>
 *
 * <p><b>Threading.</b> {@link #start}, {@link #drainWorkers} and {@link #close} block and must not
 * be called on a Vert.x event loop; {@link #deploy} does not block. The gateway does not own the
 * {@code Vertx} instance nor the scheduler: close them after the gateway.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final long START_TIMEOUT_SECONDS = 60;

  private final Vertx vertx;
  private final GatewayCore core;
  private final ApiVerticle verticle;
  private final String deploymentId;
  private final GatewayOptions options;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Gateway(
      Vertx vertx,
      GatewayCore core,
      ApiVerticle verticle,
      String deploymentId,
      GatewayOptions options) {
    this.vertx = vertx;
    this.core = core;
    this.verticle = verticle;
    this.deploymentId = deploymentId;
    this.options = options;
  }

  /**
   * Starts a gateway without blocking: subscribes to the scheduler, starts the dispatch and result
   * threads, deploys the HTTP verticle and listens.
   *
   * @return completes once the server listens; fails if it cannot bind
   */
  public static Future<Gateway> deploy(Vertx vertx, Scheduler scheduler, GatewayOptions options) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(options, "options");
    GatewayCore core = new GatewayCore(vertx, scheduler, options, new TokenService(scheduler));
    ApiVerticle verticle = core.newVerticle();
    return vertx
        .executeBlocking(
            () -> {
              core.start();
              return null;
            },
            false)
        .compose(v -> vertx.deployVerticle(verticle))
        .map(id -> new Gateway(vertx, core, verticle, id, options))
        .onFailure(
            t ->
                vertx.executeBlocking(
                    () -> {
                      core.close();
                      return null;
                    },
                    false));
  }

  /**
   * Starts a gateway and waits until it listens.
   *
   * @throws IllegalStateException when called on a Vert.x thread
   * @throws RuntimeException the cause when it cannot start (for example the port is taken)
   */
  public static Gateway start(Vertx vertx, Scheduler scheduler, GatewayOptions options) {
    if (Context.isOnVertxThread()) {
      throw new IllegalStateException("Gateway.start blocks; call deploy() on a Vert.x thread");
    }
    try {
      return deploy(vertx, scheduler, options)
          .toCompletionStage()
          .toCompletableFuture()
          .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the gateway", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the gateway did not start within 60 s", e);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof RuntimeException re ? re : new CompletionException(c);
    }
  }

  /** The port the HTTP server listens on (the real one when the options asked for 0). */
  public int port() {
    return verticle.port();
  }

  /** This gateway's id. */
  public String id() {
    return options.gatewayId();
  }

  /** The options it runs with. */
  public GatewayOptions options() {
    return options;
  }

  /** The token service on the same scheduler, e.g. to mint the first admin token. */
  public TokenService tokens() {
    return core.tokens();
  }

  /** Workers connected to this gateway now. */
  public int connectedWorkers() {
    return core.connectedWorkers();
  }

  /**
   * Sends {@code drain} to every worker connected to this gateway (they finish their running tasks,
   * report them and disconnect) and waits until all have disconnected or the timeout passes. New
   * tasks are no longer dispatched to them. Blocks.
   */
  public void drainWorkers(Duration timeout) {
    core.drainWorkers(timeout);
  }

  /**
   * Stops listening, gives the unfinished tasks of still connected workers back to the scheduler
   * (re-queued or failed with {@code worker_lost}), records results already received, and stops the
   * gateway's threads. Idempotent; blocks for at most a few seconds.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      vertx
          .undeploy(deploymentId)
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("undeploying the gateway verticle failed: {}", e.toString());
    }
    core.close();
  }
}
