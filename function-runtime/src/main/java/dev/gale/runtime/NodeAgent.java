package dev.gale.runtime;

import dev.gale.runtime.impl.DefaultNodeAgent;
import java.time.Duration;

/**
 * The node agent: one per node, pod or batch job. It dials out to the gateway's worker WebSocket,
 * announces its slots, runs the tasks it receives with the {@code shell}, {@code python} and {@code
 * java} kinds, and streams their results back; it reconnects with backoff whenever the connection
 * drops, re-sending results the gateway has not acknowledged.
 *
 * <pre>{@code
 * NodeAgent agent = NodeAgent.start(NodeAgentOptions.builder()
 *     .gatewayUrl("http://localhost:8080").token(workerToken).build());
 * Runtime.getRuntime().addShutdownHook(new Thread(agent::close));
 * agent.awaitTermination(Duration.ofDays(365));   // returns after a drain or close
 * }</pre>
 *
 * <p><b>Threading.</b> All methods are thread-safe. {@link #close()} and {@link #awaitTermination}
 * block and must not be called on a Vert.x event loop; the others return at once.
 */
public interface NodeAgent extends AutoCloseable {

  /**
   * Starts an agent: creates its work directory and threads and begins connecting in the
   * background. Returns at once; connection failures are retried, never thrown.
   *
   * @throws IllegalStateException when the work directory cannot be created
   */
  static NodeAgent start(NodeAgentOptions options) {
    return DefaultNodeAgent.start(options);
  }

  /**
   * Builds an agent as {@link #start} does (work directory, threads, function kinds, the Vert.x
   * instance) without connecting: {@link #connect()} does that later. A provider keeps such an
   * agent ready so that a block it starts serves tasks sooner than a fresh JVM could.
   *
   * @throws IllegalStateException when the work directory cannot be created
   */
  static NodeAgent prepare(NodeAgentOptions options) {
    return DefaultNodeAgent.prepare(options);
  }

  /**
   * Begins connecting an agent built by {@link #prepare} (an agent from {@link #start} is already
   * connecting). Returns at once; idempotent.
   */
  void connect();

  /** The id this agent announces in every {@code hello}. */
  String workerId();

  /** True while a connection is open and the gateway has welcomed the agent. */
  boolean isConnected();

  /** Tasks queued or running on this agent now. */
  int activeTasks();

  /**
   * Stops taking tasks (tasks arriving later are reported {@code worker_draining} without running),
   * finishes the queued and running ones, waits until the gateway acknowledged their results, then
   * disconnects and terminates. Returns at once; idempotent. A {@code drain} message from the
   * gateway does the same.
   */
  void drain();

  /**
   * Drains for at most {@link NodeAgentOptions#drainTimeout()}, then kills what still runs
   * (reported {@code worker_stopped}), tries briefly to deliver those results, and stops: closes
   * the connection, the warm interpreters and all threads, and deletes a temporary work directory.
   * Blocks until done; idempotent.
   */
  @Override
  void close();

  /**
   * Waits until the agent terminated (after a drain, {@link #close()}, or the death of the parent
   * process).
   *
   * @return true if it terminated within the timeout
   */
  boolean awaitTermination(Duration timeout) throws InterruptedException;

  /** True once the agent terminated. */
  boolean isTerminated();
}
