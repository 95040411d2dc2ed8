package dev.gale.cli.server;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes what a role started, last started first; a failure to close one does not stop the rest.
 */
final class Closer {
  private static final Logger log = LoggerFactory.getLogger(Closer.class);

  interface Step {
    void run() throws Exception;
  }

  private record Named(String name, Step step) {}

  private final Deque<Named> steps = new ArrayDeque<>();
  private boolean closed;

  /** Registers a step to run at close, before the ones registered earlier. */
  synchronized void add(String name, Step step) {
    steps.push(new Named(name, step));
  }

  /** Runs every step once. Idempotent. */
  synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    while (!steps.isEmpty()) {
      Named n = steps.pop();
      try {
        n.step().run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        log.warn("interrupted while stopping {}", n.name());
      } catch (Exception e) {
        log.warn("could not stop {} cleanly: {}", n.name(), e.toString());
      }
    }
  }
}
