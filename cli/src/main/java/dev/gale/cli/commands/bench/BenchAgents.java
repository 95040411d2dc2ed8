package dev.gale.cli.commands.bench;

import dev.gale.api.UnavailableException;
import dev.gale.runtime.NodeAgent;
import dev.gale.runtime.NodeAgentOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Many lightweight node agents in the bench's own JVM, serving a pool of their own: how a service
 * dispatches to thousands of slots without thousands of machines. Each agent is a real {@link
 * NodeAgent} (its own WebSocket to the gateway, credit-based prefetch, batched results) with a
 * worker token minted for the pool through {@code POST /v1/tokens} (so the bench's token must be an
 * admin's).
 */
public final class BenchAgents implements AutoCloseable {
  private static final String RUNTIME_LOG_LEVEL = "org.slf4j.simpleLogger.log.dev.gale.runtime";

  private final String pool;
  private final List<NodeAgent> agents = new ArrayList<>();

  private BenchAgents(String pool) {
    this.pool = pool;
  }

  /**
   * Starts {@code count} agents of {@code slots} slots each in a new pool and waits until all are
   * connected.
   *
   * @throws UnavailableException {@code bench_failed} when they are not connected within {@code
   *     timeout} (the agents are stopped again)
   */
  public static BenchAgents start(BenchHttp http, int count, int slots, Duration timeout)
      throws IOException, InterruptedException {
    String pool = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    String token =
        http.post(
                "/v1/tokens",
                "{\"tenant\":\"bench\",\"role\":\"worker\",\"pool\":\"" + pool + "\"}",
                201)
            .get("token")
            .asText();
    // hundreds of agents each logging their start and stop would bury the progress line; their
    // warnings still show (slf4j-simple reads a logger's level when the logger is made)
    if (System.getProperty(RUNTIME_LOG_LEVEL) == null) {
      System.setProperty(RUNTIME_LOG_LEVEL, "warn");
    }
    BenchAgents out = new BenchAgents(pool);
    try {
      for (int i = 0; i < count; i++) {
        out.agents.add(
            NodeAgent.start(
                NodeAgentOptions.builder()
                    .gatewayUrl(http.base())
                    .token(token)
                    .pool(pool)
                    .node("bench")
                    .workerId(pool + "-" + i)
                    .slots(slots)
                    .build()));
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.connected() < count) {
        if (System.nanoTime() > deadline) {
          throw new UnavailableException(
              "bench_failed",
              out.connected() + " of " + count + " bench agents connected after " + timeout,
              null,
              null);
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
      return out;
    } catch (InterruptedException | RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /** The pool the agents serve. */
  public String pool() {
    return pool;
  }

  /** Agents connected now. */
  public int connected() {
    return (int) agents.stream().filter(NodeAgent::isConnected).count();
  }

  /** Drains every agent at once, then closes them. */
  @Override
  public void close() {
    agents.forEach(NodeAgent::drain);
    agents.parallelStream().forEach(NodeAgent::close);
  }
}
