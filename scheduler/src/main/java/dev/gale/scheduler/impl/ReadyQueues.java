package dev.gale.scheduler.impl;

import com.hazelcast.collection.IQueue;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The ready queues of the pools: one FIFO {@code IQueue} of task ids per pool and priority ({@code
 * gale.queue.<pool>} for priority 0, {@code gale.queue.<pool>#<priority>} for others), drained
 * highest priority first. FIFO queues keep batched {@code drainTo} in order, which a Hazelcast
 * priority queue does not (its drain walks the heap array).
 *
 * <p>The priorities in use per pool are kept in the {@code gale.queue.levels} map; each scheduler
 * instance caches them for {@link #LEVELS_TTL_MILLIS}, so a task of a new priority submitted
 * elsewhere is seen by a dispatcher within that time.
 */
final class ReadyQueues {
  static final String PREFIX = "gale.queue.";
  static final long LEVELS_TTL_MILLIS = 500;
  private static final long POLL_SLICE_MILLIS = 100;
  private static final int[] DEFAULT_LEVELS = {0};

  private final HazelcastInstance hz;
  private final IMap<String, int[]> levels;
  private final Map<String, IQueue<String>> queues = new ConcurrentHashMap<>();
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  /** Per pool, the takes of this process blocked now on its queues, which they found empty. */
  private final Map<String, java.util.concurrent.atomic.AtomicInteger> waiting =
      new ConcurrentHashMap<>();

  private record Cached(int[] levels, long at) {}

  ReadyQueues(HazelcastInstance hz) {
    this.hz = hz;
    this.levels = hz.getMap("gale.queue.levels");
  }

  static String name(String pool, int priority) {
    return priority == 0 ? PREFIX + pool : PREFIX + pool + "#" + priority;
  }

  /** The pool a ready queue's name belongs to, or null if the name is not a ready queue's. */
  static String poolOf(String queueName) {
    if (!queueName.startsWith(PREFIX)) {
      return null;
    }
    String rest = queueName.substring(PREFIX.length());
    int hash = rest.lastIndexOf('#');
    return hash < 0 ? rest : rest.substring(0, hash);
  }

  IQueue<String> queue(String pool, int priority) {
    return queues.computeIfAbsent(name(pool, priority), hz::getQueue);
  }

  /** Adds task ids of one priority, registering the priority first if it is new. */
  void addAll(String pool, int priority, List<String> ids) {
    if (priority != 0 && Arrays.binarySearch(ascending(pool), priority) < 0) {
      levels.executeOnKey(pool, new AddLevel(priority));
      cache.remove(pool);
    }
    queue(pool, priority).addAll(ids);
  }

  /** Tasks queued in the pool over all priorities. */
  long size(String pool) {
    long n = 0;
    for (int p : ascending(pool)) {
      n += queue(pool, p).size();
    }
    return n;
  }

  /** Every id in the pool's queues now (a copy; for the sweep, not the hot path). */
  java.util.Set<String> snapshot(String pool) {
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (int p : ascending(pool)) {
      ids.addAll(queue(pool, p));
    }
    return ids;
  }

  boolean remove(String pool, int priority, String id) {
    return queue(pool, priority).remove(id);
  }

  /**
   * Takes up to {@code max} ids, highest priority first, FIFO within a priority. Blocks up to
   * {@code timeoutMillis} while every queue of the pool is empty.
   */
  List<String> take(String pool, int max, long timeoutMillis) throws InterruptedException {
    List<String> ids = new ArrayList<>(Math.min(max, 1024));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (true) {
      int[] asc = ascending(pool);
      drainInto(ids, pool, asc, max);
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (!ids.isEmpty() || left <= 0) {
        return ids;
      }
      // Only the default queue can be waited on; with other priorities in use, wait in slices
      // and look at all of them again.
      java.util.concurrent.atomic.AtomicInteger w =
          waiting.computeIfAbsent(pool, p -> new java.util.concurrent.atomic.AtomicInteger());
      w.incrementAndGet();
      String first;
      try {
        first =
            queue(pool, 0)
                .poll(
                    asc.length == 1 ? left : Math.min(left, POLL_SLICE_MILLIS),
                    TimeUnit.MILLISECONDS);
      } finally {
        w.decrementAndGet();
      }
      if (first != null) {
        ids.add(first);
        drainInto(ids, pool, asc, max);
        return ids;
      }
    }
  }

  /**
   * Whether a {@link #take} of this process is blocked now on the pool's queues: it drained every
   * priority and found nothing, and a task queued since would have woken it (within the moment the
   * wake-up takes). A task handed straight to a worker then overtakes no queued task.
   */
  boolean waitedOn(String pool) {
    java.util.concurrent.atomic.AtomicInteger w = waiting.get(pool);
    return w != null && w.get() > 0;
  }

  /** Drains queues from the highest priority down until {@code ids} holds {@code max}. */
  private void drainInto(List<String> ids, String pool, int[] asc, int max) {
    for (int i = asc.length - 1; i >= 0 && ids.size() < max; i--) {
      queue(pool, asc[i]).drainTo(ids, max - ids.size());
    }
  }

  /** The pool's priorities in ascending order, always including 0. */
  private int[] ascending(String pool) {
    long now = System.currentTimeMillis();
    Cached c = cache.get(pool);
    if (c != null && now - c.at < LEVELS_TTL_MILLIS) {
      return c.levels;
    }
    int[] stored = levels.get(pool);
    int[] asc = stored == null ? DEFAULT_LEVELS : stored;
    cache.put(pool, new Cached(asc, now));
    return asc;
  }

  /** Adds a priority to a pool's sorted list of priorities (which always holds 0). */
  static final class AddLevel implements EntryProcessor<String, int[], Void> {
    private final int priority;

    AddLevel(int priority) {
      this.priority = priority;
    }

    @Override
    public Void process(Map.Entry<String, int[]> entry) {
      int[] current = entry.getValue() == null ? DEFAULT_LEVELS : entry.getValue();
      if (Arrays.binarySearch(current, priority) < 0) {
        int[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = priority;
        Arrays.sort(next);
        entry.setValue(next);
      }
      return null;
    }
  }
}
