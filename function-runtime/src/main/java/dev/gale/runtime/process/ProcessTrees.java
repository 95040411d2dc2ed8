package dev.gale.runtime.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Kills a process together with everything it started.
 *
 * <p>The tree is collected before anything is signalled, because once a parent dies its children
 * are re-parented and can no longer be found from it. Every member gets {@code SIGTERM} ({@link
 * ProcessHandle#destroy()}), descendants first; after the grace period whatever is still alive, and
 * whatever it started meanwhile, gets {@code SIGKILL}.
 */
public final class ProcessTrees {
  private ProcessTrees() {}

  /**
   * Signals the tree now and schedules the forcible kill. Does not wait; safe to call from a
   * cancellation action.
   *
   * @param root the top of the tree
   * @param grace time between the polite and the forcible signal
   * @param timer where the forcible kill is scheduled
   */
  public static void kill(ProcessHandle root, Duration grace, ScheduledExecutorService timer) {
    List<ProcessHandle> tree = snapshot(root);
    for (ProcessHandle p : tree) {
      p.destroy();
    }
    Runnable force =
        () -> {
          for (ProcessHandle p : tree) {
            if (p.isAlive()) {
              p.descendants().forEach(ProcessHandle::destroyForcibly);
              p.destroyForcibly();
            }
          }
        };
    try {
      timer.schedule(force, grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      force.run();
    }
  }

  /** Kills the tree with {@code SIGKILL} at once. */
  public static void killForcibly(ProcessHandle root) {
    for (ProcessHandle p : snapshot(root)) {
      p.destroyForcibly();
    }
  }

  /** The root's descendants (deepest last, as the JDK lists them) followed by the root. */
  static List<ProcessHandle> snapshot(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>();
    root.descendants().forEach(tree::add);
    tree.add(root);
    return tree;
  }
}
