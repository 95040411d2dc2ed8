package dev.gale.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.WorkerInfo;
import dev.gale.scaler.BlockDrainer;
import dev.gale.scaler.QueueDepth;
import dev.gale.scaler.QueueDepthSource;
import dev.gale.scaler.service.LeaseSource;
import dev.gale.scaler.service.PoolSettingsSource;
import dev.gale.scaler.service.PoolStatusStore;
import dev.gale.scheduler.Lease;
import dev.gale.scheduler.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The scheduler as the elastic scaler sees it: pool settings, leases, the pools' published status
 * and their load. The scaler does not know the scheduler; this is where the assembly wires them.
 *
 * <p>The load of a pool: {@code queued} is its ready queue; {@code running} and the running tasks
 * per block are summed over the pool's connected workers as their gateways last registered them
 * (refreshed at every heartbeat). A worker belongs to a block when its id is the block's id (the
 * node agent is started with {@code --worker-id <block>}), or {@code <block>@<n>} for the n-th node
 * of a multi-node block.
 */
final class SchedulerBridge
    implements PoolSettingsSource, LeaseSource, PoolStatusStore, QueueDepthSource, BlockDrainer {
  /** Pools' loops tick about once a second: one pass over the tasks serves all of them. */
  static final long RUNNING_MAX_AGE_NANOS = 250_000_000L;

  private final Scheduler scheduler;
  private Load loadCache;
  private long loadReadAt;

  SchedulerBridge(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public Map<String, JsonNode> pools() {
    return scheduler.pools();
  }

  @Override
  public OptionalLong tryLease(String name, String holder, Duration ttl) {
    return scheduler
        .tryLease(name, holder, ttl)
        .map(l -> OptionalLong.of(l.fence()))
        .orElse(OptionalLong.empty());
  }

  @Override
  public void release(String name, String holder, long fence) {
    scheduler.releaseLease(new Lease(name, holder, fence, Instant.EPOCH));
  }

  @Override
  public boolean publish(String pool, long fence, JsonNode status) {
    return scheduler.putPoolStatus(pool, fence, status);
  }

  @Override
  public Optional<JsonNode> read(String pool) {
    return Optional.ofNullable(scheduler.poolStatuses().get(pool));
  }

  @Override
  public Map<String, JsonNode> all() {
    return scheduler.poolStatuses();
  }

  @Override
  public void remove(String pool, long fence) {
    scheduler.removePoolStatus(pool, fence);
  }

  @Override
  public QueueDepth depth(String pool) {
    long queued = scheduler.queueDepth(pool);
    Load load = load();
    Map<String, Integer> byWorker = load.running.getOrDefault(pool, Map.of());
    long running = 0;
    Map<String, Integer> byBlock = new HashMap<>();
    for (Map.Entry<String, Integer> e : byWorker.entrySet()) {
      running += e.getValue();
      byBlock.merge(WorkerInfo.blockOf(e.getKey()), e.getValue(), Integer::sum);
    }
    return new QueueDepth(
        queued, running, byBlock, load.connected.getOrDefault(pool, java.util.Set.of()));
  }

  @Override
  public long queued(String pool) {
    return scheduler.queueDepth(pool);
  }

  /**
   * Running attempts by pool and worker, and the blocks with a worker connected by pool.
   *
   * @param running running attempts by pool and worker id
   * @param connected blocks with at least one connected worker, by pool
   */
  private record Load(
      Map<String, Map<String, Integer>> running, Map<String, java.util.Set<String>> connected) {}

  /** The pools' load, read at most once per {@link #RUNNING_MAX_AGE_NANOS}. */
  private Load load() {
    synchronized (this) {
      long now = System.nanoTime();
      if (loadCache == null || now - loadReadAt > RUNNING_MAX_AGE_NANOS) {
        Map<String, java.util.Set<String>> connected = new HashMap<>();
        for (WorkerInfo w : scheduler.workers()) {
          connected
              .computeIfAbsent(w.pool(), p -> new java.util.HashSet<>())
              .add(WorkerInfo.blockOf(w.id()));
        }
        loadCache = new Load(scheduler.runningByWorker(), connected);
        loadReadAt = now;
      }
      return loadCache;
    }
  }

  @Override
  public void drain(String pool, String blockId) {
    scheduler.drainBlock(blockId);
    synchronized (this) {
      // the next read must see every attempt dispatched before the drain took effect, so that a
      // block is never cancelled as idle on a count taken before its last dispatch
      loadCache = null;
    }
  }
}
