package dev.gale.scaler.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.scaler.QueueDepth;
import dev.gale.scaler.QueueDepthSource;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the scheduler cluster provides to scalers, in memory: pool settings, leases with fences (as
 * the scheduler's entry processor does them), the fenced status map and the pools' load. One
 * instance is shared by the services of a test, like one cluster.
 */
final class MemoryCluster implements PoolSettingsSource, PoolStatusStore, QueueDepthSource {
  final Map<String, JsonNode> settings = new ConcurrentHashMap<>();
  final Map<String, QueueDepth> depths = new ConcurrentHashMap<>();
  private final Map<String, Long> statusFences = new ConcurrentHashMap<>();
  private final Map<String, JsonNode> statuses = new ConcurrentHashMap<>();
  private final Map<String, Held> leases = new ConcurrentHashMap<>();
  private final InstantSource clock;

  private record Held(String holder, long fence, Instant until) {}

  MemoryCluster(InstantSource clock) {
    this.clock = clock;
  }

  @Override
  public Map<String, JsonNode> pools() {
    return new TreeMap<>(settings);
  }

  @Override
  public QueueDepth depth(String pool) {
    return depths.getOrDefault(pool, QueueDepth.idle());
  }

  @Override
  public synchronized boolean publish(String pool, long fence, JsonNode status) {
    Long stored = statusFences.get(pool);
    if (stored != null && stored > fence) {
      return false;
    }
    statusFences.put(pool, fence);
    statuses.put(pool, status);
    return true;
  }

  @Override
  public Optional<JsonNode> read(String pool) {
    return Optional.ofNullable(statuses.get(pool));
  }

  @Override
  public Map<String, JsonNode> all() {
    return new TreeMap<>(statuses);
  }

  @Override
  public synchronized void remove(String pool, long fence) {
    Long stored = statusFences.get(pool);
    if (stored != null && stored <= fence) {
      statuses.remove(pool);
    }
  }

  /** The current holder of a lease that has not lapsed, or null. */
  synchronized String holder(String name) {
    Held h = leases.get(name);
    return h == null || !h.until.isAfter(clock.instant()) ? null : h.holder;
  }

  /** Leases of one scaler, which can be cut off from the cluster with {@link #broken}. */
  final class Leases implements LeaseSource {
    private final Set<String> brokenHolders = ConcurrentHashMap.newKeySet();

    /** From now on every call of this holder fails, as if its network were cut. */
    void broken(String holder) {
      brokenHolders.add(holder);
    }

    @Override
    public OptionalLong tryLease(String name, String holder, Duration ttl) {
      if (brokenHolders.contains(holder)) {
        throw new IllegalStateException("cluster unreachable");
      }
      synchronized (MemoryCluster.this) {
        Instant now = clock.instant();
        Held h = leases.get(name);
        if (h != null && h.until.isAfter(now) && !h.holder.equals(holder)) {
          return OptionalLong.empty();
        }
        long fence =
            h == null ? 1 : h.holder.equals(holder) && h.until.isAfter(now) ? h.fence : h.fence + 1;
        leases.put(name, new Held(holder, fence, now.plus(ttl)));
        return OptionalLong.of(fence);
      }
    }

    @Override
    public void release(String name, String holder, long fence) {
      synchronized (MemoryCluster.this) {
        Held h = leases.get(name);
        if (h != null && h.holder.equals(holder) && h.fence == fence) {
          leases.put(name, new Held(holder, fence, Instant.EPOCH));
        }
      }
    }
  }
}
