package dev.gale.scheduler.impl;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.spi.properties.ClusterProperty;
import dev.gale.api.FunctionDefinition;
import dev.gale.api.TaskState;
import dev.gale.api.TokenRecord;
import dev.gale.scheduler.store.Codecs;
import dev.gale.scheduler.store.JdbcMapStore;
import dev.gale.scheduler.store.JdbcStore;
import dev.gale.scheduler.store.RecordCodec;
import dev.gale.scheduler.store.StoreOptions;
import dev.gale.scheduler.store.StoredMap;
import dev.gale.scheduler.store.TaskEntryStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable store as one scheduler member uses it: it opens the database, attaches a write-behind
 * {@link JdbcMapStore} to each persisted map of the member's config, puts queued tasks back into
 * their ready queues after a cluster start, and flushes pending writes before the member leaves.
 * {@link #NONE} does none of this.
 */
final class MemberStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MemberStore.class);

  /** The task table's codec (stateless, shared). */
  private static final TaskRecordCodec TASK_CODEC = new TaskRecordCodec();

  /** No persistence. */
  static final MemberStore NONE = new MemberStore(null, Map.of());

  private final JdbcStore db;
  private final Map<StoredMap, JdbcMapStore<?>> stores;

  private MemberStore(JdbcStore db, Map<StoredMap, JdbcMapStore<?>> stores) {
    this.db = db;
    this.stores = stores;
  }

  /**
   * Opens the database named by the options ({@link #NONE} for kind {@code none}).
   *
   * @throws dev.gale.scheduler.store.StoreException when it cannot be reached
   */
  static MemberStore open(StoreOptions options) {
    if (!options.enabled()) {
      return NONE;
    }
    JdbcStore db = JdbcStore.open(options);
    Map<StoredMap, JdbcMapStore<?>> stores = new EnumMap<>(StoredMap.class);
    RecordCodec<FunctionDefinition> functions = Codecs.json(FunctionDefinition.class);
    stores.put(StoredMap.FUNCTIONS, new JdbcMapStore<>(db, StoredMap.FUNCTIONS, functions));
    stores.put(
        StoredMap.DELETED_FUNCTIONS,
        new JdbcMapStore<>(db, StoredMap.DELETED_FUNCTIONS, functions));
    stores.put(StoredMap.ARTIFACTS, new JdbcMapStore<>(db, StoredMap.ARTIFACTS, Codecs.bytes()));
    stores.put(
        StoredMap.TOKENS, new JdbcMapStore<>(db, StoredMap.TOKENS, Codecs.json(TokenRecord.class)));
    stores.put(StoredMap.POOLS, new JdbcMapStore<>(db, StoredMap.POOLS, Codecs.text()));
    stores.put(StoredMap.TASKS, new JdbcMapStore<>(db, StoredMap.TASKS, TASK_CODEC));
    stores.put(
        StoredMap.TRANSFERS,
        new JdbcMapStore<>(
            db, StoredMap.TRANSFERS, new dev.gale.scheduler.store.TransferRecordCodec()));
    try {
      db.fillTaskColumns(TASK_CODEC);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return new MemberStore(db, stores);
  }

  boolean enabled() {
    return db != null;
  }

  /** The database, or null for {@link #NONE} (tests and health checks). */
  JdbcStore database() {
    return db;
  }

  /**
   * Attaches the map stores to the persisted maps. Call after the maps' own configs (format,
   * backups) are in place: a persisted map without a config of its own gets a copy of the one its
   * name matches (e.g. {@code gale.*}).
   */
  void configure(Config c) {
    if (!enabled()) {
      return;
    }
    StoreOptions o = db.options();
    // Hazelcast applies this bound only to maps without write coalescing (see StoreOptions).
    c.setProperty(
        ClusterProperty.MAP_WRITE_BEHIND_QUEUE_CAPACITY.getName(),
        Integer.toString(o.writeBehindQueueCapacity()));
    for (var e : stores.entrySet()) {
      Object implementation = e.getValue();
      if (e.getKey().isTasks()) {
        @SuppressWarnings("unchecked")
        JdbcMapStore<TaskRecord> rows = (JdbcMapStore<TaskRecord>) e.getValue();
        implementation =
            new TaskEntryStore<>(
                rows, TASK_CODEC, o.finishedInMemory(), java.time.Clock.systemUTC());
      }
      MapStoreConfig msc =
          new MapStoreConfig()
              .setEnabled(true)
              .setImplementation(implementation)
              .setInitialLoadMode(MapStoreConfig.InitialLoadMode.EAGER)
              .setWriteDelaySeconds(o.writeDelaySeconds())
              .setWriteBatchSize(o.writeBatchSize())
              .setWriteCoalescing(o.writeCoalescing());
      String name = e.getKey().mapName();
      // an exact config of its own: setting the store on a wildcard config (gale.*) would give
      // it to every map the pattern matches
      MapConfig own = c.getMapConfigs().get(name);
      if (own == null) {
        own = new MapConfig(c.findMapConfig(name)).setName(name);
        c.addMapConfig(own);
      }
      own.setMapStoreConfig(msc);
    }
  }

  /**
   * After a cluster start, puts the queued tasks that the task map loaded back into their ready
   * queues, which are not persisted. Runs only on the member that loaded the task map (at most one
   * per cluster start; a member joining a running cluster does nothing). Idempotent: ids already in
   * a queue are not offered again. Running tasks are left to the orphan sweep ({@code
   * recoverOrphans}), which gives back attempts of workers that are not registered — after a full
   * restart, none is.
   *
   * @return how many tasks were queued again
   */
  int recoverAfterLoad(HazelcastInstance hz) {
    JdbcMapStore<?> taskStore = stores.get(StoredMap.TASKS);
    if (taskStore == null || !taskStore.keysLoadedHere()) {
      return 0;
    }
    IMap<String, TaskRecord> tasks = hz.getMap(StoredMap.TASKS.mapName());
    List<TaskRecord> queued = new ArrayList<>(tasks.values(TaskQueries.inState(TaskState.QUEUED)));
    queued.sort(Comparator.comparingLong((TaskRecord r) -> r.createdAt).thenComparing(r -> r.id));
    Map<String, Map<Integer, List<String>>> byLevel = new LinkedHashMap<>();
    for (TaskRecord r : queued) {
      byLevel
          .computeIfAbsent(r.pool, p -> new LinkedHashMap<>())
          .computeIfAbsent(r.priority, p -> new ArrayList<>())
          .add(r.id);
    }
    ReadyQueues ready = new ReadyQueues(hz);
    int offered = 0;
    for (var pool : byLevel.entrySet()) {
      for (var level : pool.getValue().entrySet()) {
        Set<String> present = new HashSet<>(ready.queue(pool.getKey(), level.getKey()));
        List<String> missing =
            level.getValue().stream().filter(id -> !present.contains(id)).toList();
        if (!missing.isEmpty()) {
          ready.addAll(pool.getKey(), level.getKey(), missing);
          offered += missing.size();
        }
      }
    }
    int running = tasks.keySet(TaskQueries.inState(TaskState.RUNNING)).size();
    LOG.info(
        "store: {} queued task(s) put back into their ready queues; {} running attempt(s) go back"
            + " to the queues when the orphan sweep finds their workers gone",
        offered,
        running);
    return offered;
  }

  /**
   * Writes every pending change of the persisted maps to the database, waiting at most {@code
   * flushTimeout}.
   *
   * @return true when everything was written; false (after logging an error that says how many
   *     changes this member still holds, and why) when the time ran out
   */
  boolean flush(HazelcastInstance hz) {
    if (!enabled() || !hz.getLifecycleService().isRunning()) {
      return true;
    }
    long timeout = db.options().flushTimeout().toMillis();
    long t0 = System.nanoTime();
    // IMap.flush() is cluster-wide and also empties the backups' write-behind queues: with the
    // database down, a change this member owns would then be left only in its own queue and lost
    // when it leaves. So ask the database first; if it does not answer, leave the queues alone
    // (the members taking over the partitions write the backups' changes once it answers).
    try {
      db.read(StoredMap.FUNCTIONS, "gale-flush-probe");
    } catch (RuntimeException e) {
      long pending = pendingChanges(hz);
      LOG.error(
          "store: the database does not answer ({}); {} change(s) owned by this member are not in"
              + " it and survive where other members hold their backups",
          e.getMessage(),
          pending);
      return false;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread flusher =
        new Thread(
            () -> {
              try {
                for (StoredMap m : stores.keySet()) {
                  hz.getMap(m.mapName()).flush();
                }
                done.complete(null);
              } catch (RuntimeException e) {
                done.completeExceptionally(e);
              }
            },
            "gale-store-flush");
    flusher.setDaemon(true);
    flusher.start();
    try {
      done.get(timeout, TimeUnit.MILLISECONDS);
      LOG.info(
          "store: pending changes written in {} ms",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      return true;
    } catch (TimeoutException | ExecutionException e) {
      String why =
          e instanceof ExecutionException
              ? String.valueOf(e.getCause())
              : db.health().lastError() != null
                  ? "last database error: " + db.health().lastError()
                  : "the database did not answer in time";
      long pending = pendingChanges(hz);
      if (pending > 0) {
        LOG.error(
            "store: {} change(s) owned by this member are not in the database after {} ms ({});"
                + " they survive only where other members hold their backups",
            pending,
            timeout,
            why);
      } else {
        LOG.warn(
            "store: the flush did not finish within {} ms ({}); this member owns no unwritten"
                + " change, other members keep retrying theirs",
            timeout,
            why);
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * One tenant's finished tasks as stored in the database, newest first, after a position in that
   * order; empty without a database. Rows that cannot be decoded are left out (and logged).
   */
  List<TaskRecord> finishedTasks(
      String tenant,
      TaskState state,
      String functionId,
      long beforeCreatedAt,
      String beforeId,
      int limit) {
    if (!enabled()) {
      return List.of();
    }
    List<TaskRecord> out = new ArrayList<>();
    for (byte[] body :
        db.finishedTasks(
            tenant,
            state == null ? null : state.wireName(),
            functionId,
            beforeCreatedAt,
            beforeId,
            limit)) {
      try {
        out.add(TASK_CODEC.decode(body));
      } catch (RuntimeException e) {
        LOG.error("store: a stored task cannot be read and is not listed: {}", e.getMessage());
      }
    }
    return out;
  }

  /** Rows deleted per statement of the retention sweep. */
  static final int RETENTION_BATCH = 10_000;

  /**
   * Deletes the tasks that finished more than the retention ago from the database, in batches of
   * {@link #RETENTION_BATCH}; their records left the cluster's memory long before ({@code
   * finishedInMemory} is at most the retention). Does nothing without a database.
   *
   * @return how many were deleted
   */
  long deleteExpired(long now) {
    if (!enabled()) {
      return 0;
    }
    long cutoff = now - db.options().retention().toMillis();
    long total = 0;
    int n;
    do {
      n = db.deleteFinishedBefore(cutoff, RETENTION_BATCH);
      total += n;
    } while (n == RETENTION_BATCH);
    if (total > 0) {
      LOG.info("store: {} task(s) past their retention deleted", total);
    }
    return total;
  }

  /** Changes waiting in this member's write-behind queues (owned entries). */
  long pendingChanges(HazelcastInstance hz) {
    long n = 0;
    for (StoredMap m : stores.keySet()) {
      n += hz.getMap(m.mapName()).getLocalMapStats().getDirtyEntryCount();
    }
    return n;
  }

  /** Closes the connection pool. Call after the member has left. */
  @Override
  public void close() {
    if (db != null) {
      db.close();
    }
  }
}
