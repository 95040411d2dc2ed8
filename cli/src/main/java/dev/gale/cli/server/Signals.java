package dev.gale.cli.server;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into an orderly stop: the role's main thread waits in {@link #await()},
 * does its own shutdown and returns exit code 0, instead of the JVM running shutdown hooks in
 * parallel and exiting 143. A shutdown hook still runs the same stop action when the JVM exits
 * another way (SIGHUP, {@code System.exit}).
 */
public final class Signals {
  private final CountDownLatch stop = new CountDownLatch(1);
  private final AtomicReference<String> reason = new AtomicReference<>();

  private Signals() {}

  /**
   * Installs the handlers.
   *
   * @param ignoreInterrupt ignore SIGINT (a child whose parent stops it on Ctrl-C)
   */
  public static Signals install(boolean ignoreInterrupt) {
    Signals s = new Signals();
    s.handle("TERM");
    if (ignoreInterrupt) {
      try {
        Signal.handle(new Signal("INT"), sun.misc.SignalHandler.SIG_IGN);
      } catch (IllegalArgumentException e) {
        // not available here: the default applies
      }
    } else {
      s.handle("INT");
    }
    return s;
  }

  private void handle(String name) {
    try {
      Signal.handle(new Signal(name), sig -> trigger("SIG" + name));
    } catch (IllegalArgumentException e) {
      // the signal is reserved or ignored in this process: leave it alone
    }
  }

  /** Asks the waiting thread to stop (also used when a role ends by itself). */
  public void trigger(String why) {
    reason.compareAndSet(null, why);
    stop.countDown();
  }

  /** Waits for a stop signal; returns its name. */
  public String await() throws InterruptedException {
    stop.await();
    return reason.get();
  }

  /** Waits up to {@code millis} for a stop signal; true when one came. */
  public boolean await(long millis) throws InterruptedException {
    return stop.await(millis, TimeUnit.MILLISECONDS);
  }

  /** Runs {@code action} at JVM exit unless it already ran (it must be idempotent). */
  public static void onExit(Runnable action) {
    Runtime.getRuntime().addShutdownHook(new Thread(action, "gale-shutdown"));
  }
}
