package dev.gale.runtime.spi;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cancellation handle of one attempt. The runtime fires it when the gateway cancels the task,
 * when the attempt's timeout elapses, or when the agent stops; a kind registers what stopping means
 * for it (kill a process tree, interrupt a thread) with {@link #onCancel}.
 *
 * <p><b>Threading.</b> Thread-safe. {@link #cancel} runs the registered actions on the calling
 * thread (a runtime timer thread, never an event loop) while holding the handle's lock, so that
 * after {@link Registration#close()} returns, the action is neither running nor going to run.
 * Actions must therefore be quick and must not block: send a signal, interrupt a thread, schedule
 * the rest.
 */
public final class Cancellation {
  private static final Logger LOG = LoggerFactory.getLogger(Cancellation.class);

  /** Why an attempt was stopped; each maps to the error code the attempt is reported with. */
  public enum Reason {
    /** The gateway asked to cancel the task: code {@code cancelled}. */
    CANCELLED("cancelled"),
    /** The attempt ran longer than the function's {@code timeoutSeconds}: code {@code timeout}. */
    TIMEOUT("timeout"),
    /** The node agent is stopping and killed the remaining work: code {@code worker_stopped}. */
    SHUTDOWN("worker_stopped");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The error code of an attempt stopped for this reason. */
    public String code() {
      return code;
    }
  }

  /** Removes a registered action; idempotent, never throws. */
  @FunctionalInterface
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  private final Object lock = new Object();
  private final List<Runnable> actions = new ArrayList<>(2);
  private volatile Reason reason;

  /** True once {@link #cancel} was called. */
  public boolean isCancelled() {
    return reason != null;
  }

  /** Why the attempt was cancelled, or null while it is not. */
  public Reason reason() {
    return reason;
  }

  /**
   * Registers an action to run when the attempt is cancelled. If it already is, the action runs at
   * once on the calling thread.
   *
   * @param action quick, non-blocking; exceptions it throws are logged and ignored
   * @return closing it unregisters the action; once closed, the action is not running and will not
   *     run
   */
  public Registration onCancel(Runnable action) {
    synchronized (lock) {
      if (reason == null) {
        actions.add(action);
        return () -> {
          synchronized (lock) {
            actions.remove(action);
          }
        };
      }
      runSafely(action);
    }
    return () -> {};
  }

  /**
   * Cancels the attempt and runs the registered actions. Only the first call has an effect.
   *
   * @return true if this call cancelled the attempt
   */
  public boolean cancel(Reason why) {
    synchronized (lock) {
      if (reason != null) {
        return false;
      }
      reason = why;
      for (Runnable action : actions) {
        runSafely(action);
      }
      actions.clear();
      return true;
    }
  }

  private static void runSafely(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.warn("cancellation action failed", e);
    }
  }
}
