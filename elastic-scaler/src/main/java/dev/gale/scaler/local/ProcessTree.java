package dev.gale.scaler.local;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops process trees: a polite signal to each root, a grace period, then a forced kill of every
 * process of the trees that is still alive.
 *
 * <p>The trees are snapshotted before the roots are signalled, because a child whose parent dies is
 * re-parented and no longer shows as a descendant. {@link ProcessHandle} carries the start time, so
 * a recycled pid is never killed by mistake.
 */
final class ProcessTree {
  private ProcessTree() {}

  /** The process and its descendants now. */
  static Set<ProcessHandle> snapshot(ProcessHandle root) {
    Set<ProcessHandle> tree = new LinkedHashSet<>();
    tree.add(root);
    root.descendants().forEach(tree::add);
    return tree;
  }

  /**
   * Stops the trees of {@code roots}, plus {@code known} processes seen in them earlier.
   *
   * @param grace how long the roots get to exit after SIGTERM before everything is killed
   */
  static void terminate(
      Collection<ProcessHandle> roots, Collection<ProcessHandle> known, Duration grace) {
    Set<ProcessHandle> all = new LinkedHashSet<>(known);
    roots.forEach(r -> all.addAll(snapshot(r)));
    roots.forEach(ProcessHandle::destroy);
    awaitExit(roots, grace);
    // children started during the grace period belong to the trees too
    roots.stream().filter(ProcessHandle::isAlive).forEach(r -> all.addAll(snapshot(r)));
    all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    awaitExit(all, Duration.ofSeconds(5));
  }

  /** Kills {@code leftovers} that are still alive, without grace. */
  static void killLeftovers(Collection<ProcessHandle> leftovers) {
    leftovers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  /** Waits until all exit or the timeout passes; returns whether all exited. */
  static boolean awaitExit(Collection<ProcessHandle> procs, Duration timeout) {
    CompletableFuture<?>[] exits =
        procs.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(exits).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return procs.stream().noneMatch(ProcessHandle::isAlive);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
