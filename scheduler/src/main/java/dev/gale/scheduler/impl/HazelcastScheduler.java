package dev.gale.scheduler.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.collection.IQueue;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.query.PagingPredicate;
import com.hazelcast.query.Predicates;
import com.hazelcast.topic.ITopic;
import dev.gale.api.BackPressureException;
import dev.gale.api.ConflictException;
import dev.gale.api.FunctionDefinition;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.api.NotFoundException;
import dev.gale.api.RawJson;
import dev.gale.api.RetryOn;
import dev.gale.api.Task;
import dev.gale.api.TaskState;
import dev.gale.api.TokenRecord;
import dev.gale.api.UnavailableException;
import dev.gale.api.WorkerInfo;
import dev.gale.scheduler.Dispatch;
import dev.gale.scheduler.Lease;
import dev.gale.scheduler.NewTask;
import dev.gale.scheduler.Outcome;
import dev.gale.scheduler.Scheduler;
import dev.gale.scheduler.SchedulerOptions;
import dev.gale.scheduler.Submitted;
import dev.gale.scheduler.TaskPage;
import dev.gale.scheduler.TaskQuery;
import dev.gale.scheduler.WorkerCredit;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler on Hazelcast: task records in the {@code gale.tasks} map (object format, changed
 * only by the entry processors in {@link Processors}), one {@code IQueue} of task ids per pool, and
 * two topics that tell every gateway about finished tasks and cancellations of running ones.
 *
 * <p>All tasks of a submitted batch share a partition ({@link TaskIdPartitioning}); batch
 * operations group their keys by batch and send one partition operation per group.
 */
public final class HazelcastScheduler implements Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(HazelcastScheduler.class);
  static final String TASKS = "gale.tasks";

  private final HazelcastInstance hz;
  private final SchedulerOptions options;
  private final Clock clock;
  private final IMap<String, FunctionDefinition> functions;
  private final IMap<String, FunctionDefinition> deletedFunctions;
  private final IMap<String, byte[]> artifacts;
  private final IMap<String, TokenRecord> tokens;
  private final IMap<String, String> pools;
  private final IMap<String, String> poolStatus;
  private final IMap<String, Long> drains;
  private final IMap<String, WorkerInfo> workers;
  private final IMap<String, TaskRecord> tasks;
  private final IMap<String, String> cache;
  private final IMap<String, String> transfers;
  private final Leases leases;
  private final ITopic<ArrayList<String>> terminalTopic;
  private final ITopic<HashMap<String, String>> cancelTopic;
  private final ReadyQueues ready;
  private final IMap<String, Long> settings;
  private volatile ClusterSettings settingsRead;

  /** What {@link #SETTINGS} holds, once read. */
  private record ClusterSettings(long finishedTtlMillis, boolean stored) {}

  private MemberStore store = MemberStore.NONE;
  private java.util.concurrent.ScheduledExecutorService retentionSweep;

  /**
   * Cluster-wide settings every member publishes at start, read by members and clients alike: how
   * long a finished task's record stays in memory ({@value #FINISHED_TTL}, milliseconds) and
   * whether members keep a database ({@value #STORED}, 1 or 0).
   */
  static final String SETTINGS = "gale.settings";

  static final String FINISHED_TTL = "finishedTtlMillis";
  static final String STORED = "stored";

  /** Name under which a member's {@link MemberStore} sits in its Hazelcast user context. */
  static final String STORE_CONTEXT = "gale.memberStore";

  HazelcastScheduler(HazelcastInstance hz, SchedulerOptions options, Clock clock) {
    this.hz = hz;
    this.options = options;
    this.clock = clock;
    this.functions = hz.getMap("gale.functions");
    this.deletedFunctions = hz.getMap("gale.functions.deleted");
    this.artifacts = hz.getMap("gale.artifacts");
    this.tokens = hz.getMap("gale.tokens");
    this.pools = hz.getMap("gale.pools");
    this.poolStatus = hz.getMap("gale.pools.status");
    this.drains = hz.getMap("gale.drains");
    this.workers = hz.getMap("gale.workers");
    this.tasks = hz.getMap(TASKS);
    this.cache = hz.getMap("gale.cache");
    this.transfers = hz.getMap("gale.transfers");
    this.leases = new Leases(hz.getMap(Leases.MAP));
    this.terminalTopic = hz.getTopic("gale.terminal");
    this.cancelTopic = hz.getTopic("gale.cancel");
    this.ready = new ReadyQueues(hz);
    this.settings = hz.getMap(SETTINGS);
  }

  /**
   * Publishes this member's settings (see {@link #SETTINGS}): with a database, finished tasks stay
   * in memory for {@code finishedInMemory} and are then read from it; without one, for the whole
   * retention.
   */
  private void publishSettings(dev.gale.scheduler.store.StoreOptions o) {
    long ttl = (o.enabled() ? o.finishedInMemory() : o.retention()).toMillis();
    settings.put(FINISHED_TTL, ttl);
    settings.put(STORED, o.enabled() ? 1L : 0L);
    settingsRead = new ClusterSettings(ttl, o.enabled());
  }

  /** The cluster's settings; until a member has published them, none (no TTL, no database). */
  private ClusterSettings settings() {
    ClusterSettings s = settingsRead;
    if (s == null) {
      Long ttl = settings.get(FINISHED_TTL);
      Long stored = settings.get(STORED);
      if (ttl == null || stored == null) {
        return new ClusterSettings(0, false);
      }
      s = new ClusterSettings(ttl, stored != 0);
      settingsRead = s;
    }
    return s;
  }

  /** How long a task's record stays in memory once it finished (ms; 0: for good). */
  long finishedTtl() {
    return settings().finishedTtlMillis();
  }

  /** Whether the members keep finished tasks in a database (which listings then also read). */
  private boolean membersStore() {
    return settings().stored();
  }

  /** How often a member with a database looks for tasks past their retention. */
  static final long RETENTION_SWEEP_MILLIS = 60_000;

  /**
   * With a database: every {@link #RETENTION_SWEEP_MILLIS} (or half the retention, if shorter) the
   * oldest member of the cluster deletes the tasks past their retention from it. Their records left
   * memory long before (and without a database they leave memory at the end of the retention).
   */
  private void startRetentionSweep() {
    if (!store.enabled()) {
      return;
    }
    long every =
        Math.max(
            1_000, Math.min(RETENTION_SWEEP_MILLIS, options.store().retention().toMillis() / 2));
    retentionSweep =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "gale-retention-sweep");
              t.setDaemon(true);
              return t;
            });
    retentionSweep.scheduleWithFixedDelay(
        () -> {
          try {
            if (hz.getLifecycleService().isRunning()
                && hz.getCluster().getMembers().iterator().next().localMember()) {
              store.deleteExpired(clock.millis());
            }
          } catch (RuntimeException e) {
            LOG.warn("retention sweep failed (tried again in {} ms): {}", every, e.toString());
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  /** Starts a member with the given options; see {@link dev.gale.scheduler.Schedulers#member}. */
  public static Scheduler startMember(SchedulerOptions options) {
    // durable store: open the database first, attach map stores, re-queue after the first load
    MemberStore store = MemberStore.open(options.store());
    HazelcastInstance hz = null;
    try {
      hz = Hazelcast.newHazelcastInstance(memberConfig(options, store));
      HazelcastScheduler s = new HazelcastScheduler(hz, options, Clock.systemUTC());
      s.store = store;
      s.publishSettings(options.store());
      store.recoverAfterLoad(hz);
      s.startRetentionSweep();
      return s;
    } catch (RuntimeException e) {
      if (hz != null) {
        hz.getLifecycleService().terminate();
      }
      store.close();
      throw e;
    }
  }

  /** Connects a client; see {@link dev.gale.scheduler.Schedulers#client}. */
  public static Scheduler connectClient(SchedulerOptions options) {
    if (options.members().isEmpty()) {
      throw new IllegalArgumentException("a scheduler client needs at least one member address");
    }
    ClientConfig c = new ClientConfig();
    c.setClusterName(options.clusterName());
    commonProperties(c.getProperties());
    c.getSerializationConfig()
        .addDataSerializableFactory(
            SchedulerSerialization.FACTORY_ID, new SchedulerSerialization());
    c.getNetworkConfig().setAddresses(new ArrayList<>(options.members()));
    c.getConnectionStrategyConfig()
        .getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(60_000);
    return new HazelcastScheduler(
        HazelcastClient.newHazelcastClient(c), options, Clock.systemUTC());
  }

  static Config memberConfig(SchedulerOptions options, MemberStore store) {
    Config c = new Config();
    c.setClusterName(options.clusterName());
    commonProperties(c.getProperties());
    c.setProperty("hazelcast.shutdownhook.enabled", "false");
    c.setProperty("hazelcast.local.localAddress", options.bindHost());
    if (options.store().enabled()) {
      // finished tasks expire from memory after finishedInMemory (a minute): remove expired
      // records every second in every partition, all of them, instead of Hazelcast's default (a
      // tenth of the partitions, a tenth of their expiring records, every 5 s), which lets them
      // pile up at thousands of tasks a second (measured: ~300,000 expired records held at
      // 10,000 tasks/s). A pass visits only records that expire, i.e. the last minute's finished
      // tasks. Without a database they expire after the whole retention: so many that visiting
      // all of them each second would cost more than it saves; the defaults stay.
      c.setProperty("hazelcast.internal.map.expiration.task.period.seconds", "1");
      c.setProperty("hazelcast.internal.map.expiration.cleanup.percentage", "100");
      c.setProperty("hazelcast.internal.map.expiration.cleanup.operation.count", "271");
    }
    c.getSerializationConfig()
        .addDataSerializableFactory(
            SchedulerSerialization.FACTORY_ID, new SchedulerSerialization());
    int port = options.port() == 0 ? freePort(options.bindHost()) : options.port();
    c.getNetworkConfig().setPort(port).setPortAutoIncrement(options.port() == 0);
    c.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(options.bindHost());
    JoinConfig join = c.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (options.kubernetesServiceDns() != null) {
      join.getKubernetesConfig()
          .setEnabled(true)
          .setProperty("service-dns", options.kubernetesServiceDns());
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(new ArrayList<>(options.members()));
    }
    int backups =
        options.members().isEmpty() && options.kubernetesServiceDns() == null
            ? 0
            : options.backupCount();
    c.addMapConfig(
        new MapConfig(TASKS)
            .setInMemoryFormat(InMemoryFormat.OBJECT)
            .setBackupCount(backups)
            .addIndexConfig(TaskQueries.STATE_INDEX));
    c.addMapConfig(new MapConfig("gale.*").setBackupCount(backups));
    // memoized results live as long as the tasks they came from
    c.addMapConfig(
        new MapConfig("gale.cache")
            .setBackupCount(backups)
            .setTimeToLiveSeconds(
                (int) Math.min(Integer.MAX_VALUE, options.store().retention().toSeconds())));
    c.getUserContext().put(STORE_CONTEXT, store);
    c.getQueueConfig(ReadyQueues.PREFIX + "*").setBackupCount(backups);
    store.configure(c);
    return c;
  }

  private static void commonProperties(java.util.Properties p) {
    p.setProperty("hazelcast.phone.home.enabled", "false");
    p.setProperty("hazelcast.logging.type", "slf4j");
    p.setProperty("hazelcast.partitioning.strategy.class", TaskIdPartitioning.class.getName());
  }

  private static int freePort(String host) {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UnavailableException("unavailable", "no free port on " + host, null, e);
    }
  }

  /** The Hazelcast instance underneath (for the assembly and tests). */
  public HazelcastInstance hazelcast() {
    return hz;
  }

  // ---- functions, artifacts, tokens ----

  @Override
  public void putFunction(FunctionDefinition function) {
    functions.set(function.id(), function);
  }

  @Override
  public Optional<FunctionDefinition> getFunction(String id) {
    return Optional.ofNullable(functions.get(id));
  }

  @Override
  public List<FunctionDefinition> listFunctions(String tenant) {
    List<FunctionDefinition> out = new ArrayList<>();
    for (FunctionDefinition f : functions.values()) {
      if (f.visibleTo(tenant)) {
        out.add(f);
      }
    }
    out.sort(
        Comparator.comparing(FunctionDefinition::createdAt).thenComparing(FunctionDefinition::id));
    return out;
  }

  @Override
  public boolean deleteFunction(String id) {
    FunctionDefinition f = functions.get(id);
    if (f == null) {
      return false;
    }
    deletedFunctions.set(id, f);
    return functions.remove(id) != null;
  }

  @Override
  public Optional<FunctionDefinition> getFunctionForDispatch(String id) {
    FunctionDefinition f = functions.get(id);
    return Optional.ofNullable(f != null ? f : deletedFunctions.get(id));
  }

  @Override
  public void putArtifact(String digest, byte[] bytes) {
    artifacts.set(digest, bytes);
  }

  @Override
  public Optional<byte[]> getArtifact(String digest) {
    return Optional.ofNullable(artifacts.get(digest));
  }

  @Override
  public boolean hasArtifact(String digest) {
    return artifacts.containsKey(digest);
  }

  @Override
  public void putToken(TokenRecord token) {
    tokens.set(token.hash(), token);
  }

  @Override
  public Optional<TokenRecord> findToken(String hash) {
    return Optional.ofNullable(tokens.get(hash));
  }

  // ---- tasks ----

  @Override
  public List<Task> submit(List<NewTask> newTasks) {
    if (newTasks.isEmpty()) {
      return List.of();
    }
    String batch = TaskIds.newBatch();
    long now = clock.millis();
    Map<String, TaskRecord> records = new LinkedHashMap<>(newTasks.size() * 2);
    Map<String, String> idByRef = new HashMap<>();
    for (int i = 0; i < newTasks.size(); i++) {
      NewTask t = newTasks.get(i);
      TaskRecord r = newRecord(TaskIds.id(batch, i), t, now);
      records.put(r.id, r);
      if (t.ref() != null) {
        idByRef.put(t.ref(), r.id);
      }
    }
    Map<String, TaskRecord> external = resolveReferences(newTasks, records, idByRef);
    Map<String, TaskRecord> hits = cacheHits(records.values(), now);
    Map<String, Map<Integer, List<String>>> idsByLevel = new LinkedHashMap<>();
    Map<String, Integer> queuedByPool = new LinkedHashMap<>();
    for (TaskRecord r : records.values()) {
      if (r.state == TaskState.QUEUED) {
        idsByLevel
            .computeIfAbsent(r.pool, p -> new LinkedHashMap<>())
            .computeIfAbsent(r.priority, p -> new ArrayList<>())
            .add(r.id);
        queuedByPool.merge(r.pool, 1, Integer::sum);
      }
    }
    for (var e : queuedByPool.entrySet()) {
      long depth = ready.size(e.getKey());
      if (depth + e.getValue() > options.maxQueuedPerPool()) {
        throw new BackPressureException(
            "pool '"
                + e.getKey()
                + "' has "
                + depth
                + " queued tasks (limit "
                + options.maxQueuedPerPool()
                + ")",
            1);
      }
    }
    putNew(records, hits);
    idsByLevel.forEach((pool, byLevel) -> byLevel.forEach((p, ids) -> ready.addAll(pool, p, ids)));
    // Releases owed now: dependents of cache hits in this batch, and of upstream tasks outside the
    // batch that ended before the dependents could be registered on them.
    Map<String, List<Processors.Upstream>> releases = new HashMap<>();
    for (TaskRecord hit : hits.values()) {
      if (hit.dependents != null) {
        Step s = Step.ended(Step.Kind.TERMINAL, hit);
        s.result = hit.result;
        addReleases(releases, hit.id, s);
      }
    }
    if (!external.isEmpty()) {
      registerDependents(records.values(), external.keySet(), releases);
    }
    if (releases.isEmpty()) {
      return records.values().stream().map(TaskRecord::toTask).toList();
    }
    List<String> ended = new ArrayList<>();
    propagate(releases, now, ended);
    publishTerminal(ended);
    List<String> ids = new ArrayList<>(records.keySet());
    return getTasks(ids).stream().map(Optional::orElseThrow).toList();
  }

  private static TaskRecord newRecord(String id, NewTask t, long now) {
    TaskRecord r = new TaskRecord();
    r.id = id;
    r.tenant = t.tenant();
    r.functionId = t.function().id();
    r.functionName = t.function().name();
    r.kind = t.function().kind();
    r.pool = t.pool();
    r.priority = t.priority();
    r.state = TaskState.QUEUED;
    r.maxRetries = t.function().retries();
    r.retryMask = RetryOn.mask(t.function().retryOn());
    r.cache = t.function().cache();
    r.args = t.args().json();
    r.createdAt = now;
    return r;
  }

  @Override
  public Submitted submitTo(NewTask t, String workerId) {
    if (!ready.waitedOn(t.pool())
        || t.ref() != null
        || t.function().cache()
        || TaskRefs.mayHaveRefs(t.args().json())) {
      // tasks may be queued (no dispatcher here waits on the pool's empty queues), or upstream
      // tasks or a cached result decide when (and whether) it runs: the ordinary way
      return new Submitted(submit(List.of(t)).get(0), null);
    }
    long now = clock.millis();
    TaskRecord r = newRecord(TaskIds.id(TaskIds.newBatch(), 0), t, now);
    // what take's Dispatch processor does to a queued record, done before the record exists
    r.state = TaskState.RUNNING;
    r.attempts = 1;
    r.worker = workerId;
    r.startedAt = now;
    tasks.set(r.id, r);
    return new Submitted(
        r.toTask(), new Dispatch(workerId, r.id, r.attempts, r.functionId, RawJson.of(r.args)));
  }

  /**
   * Stores a batch's new records; those answered from the cache have finished already and get the
   * time to live in memory of finished tasks.
   */
  private void putNew(Map<String, TaskRecord> records, Map<String, TaskRecord> hits) {
    long ttl = hits.isEmpty() ? 0 : finishedTtl();
    if (ttl <= 0) {
      tasks.setAll(records);
      return;
    }
    Map<String, TaskRecord> open = new LinkedHashMap<>(records);
    open.keySet().removeAll(hits.keySet());
    if (!open.isEmpty()) {
      tasks.setAll(open);
    }
    for (TaskRecord hit : hits.values()) {
      tasks.set(hit.id, hit, ttl, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Finds {@code $ref} and {@code $task} references in the batch's args, rewrites {@code $ref}s to
   * the ids they name, sets each task's upstream ids and the in-batch tasks' dependents, and marks
   * tasks with upstream tasks {@code waiting}. Refuses the whole batch (before anything is stored)
   * for an unknown ref, a cycle, or an upstream id that does not exist or belongs to another
   * tenant.
   *
   * @return the upstream tasks outside the batch, by id
   */
  private Map<String, TaskRecord> resolveReferences(
      List<NewTask> newTasks, Map<String, TaskRecord> records, Map<String, String> idByRef) {
    Map<String, List<String>> externalUsers = new LinkedHashMap<>();
    int i = 0;
    for (TaskRecord r : records.values()) {
      NewTask t = newTasks.get(i);
      String field = newTasks.size() == 1 && t.ref() == null ? "args" : "tasks[" + i + "].args";
      i++;
      if (!TaskRefs.mayHaveRefs(r.args)) {
        continue;
      }
      TaskRefs.Found found = TaskRefs.find(r.args, field);
      if (found.refs().isEmpty() && found.taskIds().isEmpty()) {
        continue;
      }
      java.util.LinkedHashSet<String> deps = new java.util.LinkedHashSet<>();
      for (String ref : found.refs()) {
        String id = idByRef.get(ref);
        if (id == null) {
          throw new InvalidRequestException(
              field + ": $ref '" + ref + "' names no task of this batch (no entry has that ref)");
        }
        deps.add(id);
      }
      for (String id : found.taskIds()) {
        if (records.containsKey(id)) {
          throw new InvalidRequestException(
              field + ": use $ref, not $task, for a task of the same batch");
        }
        deps.add(id);
        externalUsers.computeIfAbsent(id, k -> new ArrayList<>()).add(field);
      }
      if (!found.refs().isEmpty()) {
        TaskRefs.rewriteRefs(found.args(), idByRef::get);
        r.args = found.args().toString();
      }
      r.deps = new ArrayList<>(deps);
      r.state = TaskState.WAITING;
      for (String up : deps) {
        TaskRecord u = records.get(up);
        if (u != null) {
          if (u.dependents == null) {
            u.dependents = new ArrayList<>(2);
          }
          u.dependents.add(r.id);
        }
      }
    }
    refuseCycles(records, newTasks);
    if (externalUsers.isEmpty()) {
      return Map.of();
    }
    Map<String, TaskRecord> found = tasks.getAll(externalUsers.keySet());
    String tenant = newTasks.get(0).tenant();
    for (var e : externalUsers.entrySet()) {
      TaskRecord u = found.get(e.getKey());
      if (u == null || !u.tenant.equals(tenant)) {
        throw new NotFoundException(
            "not_found",
            e.getValue().get(0) + ": $task '" + e.getKey() + "' names no task of yours",
            Json.object().put("field", e.getValue().get(0)).put("task", e.getKey()));
      }
    }
    return found;
  }

  /** Refuses a batch whose {@code $ref}s form a cycle, naming the tasks on it. */
  private static void refuseCycles(Map<String, TaskRecord> records, List<NewTask> newTasks) {
    Map<String, Integer> pending = new HashMap<>();
    java.util.ArrayDeque<String> free = new java.util.ArrayDeque<>();
    for (TaskRecord r : records.values()) {
      int n = 0;
      if (r.deps != null) {
        for (String d : r.deps) {
          if (records.containsKey(d)) {
            n++;
          }
        }
      }
      pending.put(r.id, n);
      if (n == 0) {
        free.add(r.id);
      }
    }
    int done = 0;
    while (!free.isEmpty()) {
      TaskRecord r = records.get(free.poll());
      done++;
      if (r.dependents != null) {
        for (String d : r.dependents) {
          if (pending.merge(d, -1, Integer::sum) == 0) {
            free.add(d);
          }
        }
      }
    }
    if (done < records.size()) {
      List<String> onCycle = new ArrayList<>();
      int i = 0;
      for (TaskRecord r : records.values()) {
        if (pending.get(r.id) > 0) {
          String ref = newTasks.get(i).ref();
          onCycle.add(ref != null ? ref : "tasks[" + i + "]");
        }
        i++;
      }
      throw new InvalidRequestException(
          "tasks: the $ref references form a cycle through " + String.join(", ", onCycle));
    }
  }

  /**
   * Sets the cache key of queued tasks of caching functions and ends those whose result is cached:
   * succeeded at once, {@code cached}, never queued.
   *
   * @return the tasks answered from the cache, by id
   */
  private Map<String, TaskRecord> cacheHits(Collection<TaskRecord> records, long now) {
    Map<String, TaskRecord> byKey = new HashMap<>();
    for (TaskRecord r : records) {
      if (r.cache && r.state == TaskState.QUEUED) {
        r.cacheKey = CacheKeys.of(r.functionId, r.args);
        byKey.putIfAbsent(r.cacheKey, r);
      }
    }
    if (byKey.isEmpty()) {
      return Map.of();
    }
    Map<String, String> found = cache.getAll(byKey.keySet());
    Map<String, TaskRecord> hits = new LinkedHashMap<>();
    for (TaskRecord r : records) {
      String result = r.cacheKey == null ? null : found.get(r.cacheKey);
      if (result != null && r.state == TaskState.QUEUED) {
        r.state = TaskState.SUCCEEDED;
        r.result = result;
        r.cached = true;
        r.finishedAt = now;
        hits.put(r.id, r);
      }
    }
    return hits;
  }

  /**
   * Registers the batch's tasks on their upstream tasks outside the batch; those upstream tasks
   * that have already ended add releases instead.
   */
  private void registerDependents(
      Collection<TaskRecord> records,
      Collection<String> upstreamIds,
      Map<String, List<Processors.Upstream>> releases) {
    Map<String, List<String>> downstreamByTask = new HashMap<>();
    java.util.Set<String> outside = new java.util.HashSet<>(upstreamIds);
    for (TaskRecord r : records) {
      if (r.deps != null) {
        for (String up : r.deps) {
          if (outside.contains(up)) {
            downstreamByTask.computeIfAbsent(up, k -> new ArrayList<>()).add(r.id);
          }
        }
      }
    }
    Map<String, Step> steps =
        applyGrouped(
            new ArrayList<>(downstreamByTask.keySet()),
            group -> new Processors.AddDependents(subMap(downstreamByTask, group)));
    steps.forEach(
        (up, s) -> {
          if (s != null && s.kind == Step.Kind.ALREADY_TERMINAL) {
            s.dependents = downstreamByTask.get(up);
            addReleases(releases, up, s);
          }
        });
  }

  private static void addReleases(
      Map<String, List<Processors.Upstream>> releases, String upstreamId, Step ended) {
    if (ended.dependents == null) {
      return;
    }
    Processors.Upstream u = Processors.Upstream.of(upstreamId, ended);
    for (String d : ended.dependents) {
      releases.computeIfAbsent(d, k -> new ArrayList<>(1)).add(u);
    }
  }

  /**
   * Tells waiting tasks how their upstream tasks ended, round after round: a released task is
   * queued; one that ends (a failed or cancelled upstream) passes that on to its own dependents in
   * the next round. Each edge of the graph is crossed once.
   *
   * @param ended collects the ids of tasks that ended
   */
  private void propagate(
      Map<String, List<Processors.Upstream>> releases, long now, List<String> ended) {
    Map<String, Map<Integer, List<String>>> queue = new HashMap<>();
    while (!releases.isEmpty()) {
      Map<String, List<Processors.Upstream>> round = releases;
      Map<String, Step> steps =
          applyGrouped(
              new ArrayList<>(round.keySet()),
              group ->
                  new Processors.Release(subMap(round, group), now).endingAfter(finishedTtl()));
      releases = new HashMap<>();
      for (var e : steps.entrySet()) {
        Step s = e.getValue();
        if (s == null) {
          continue;
        }
        if (s.kind == Step.Kind.RELEASED) {
          queue
              .computeIfAbsent(s.pool, p -> new HashMap<>())
              .computeIfAbsent(s.priority, p -> new ArrayList<>())
              .add(e.getKey());
        } else if (s.ended()) {
          ended.add(e.getKey());
          addReleases(releases, e.getKey(), s);
        }
      }
    }
    queue.forEach((pool, byLevel) -> byLevel.forEach((p, ids) -> ready.addAll(pool, p, ids)));
  }

  @Override
  public Optional<Task> getTask(String id) {
    TaskRecord r = tasks.get(id);
    return r == null ? Optional.empty() : Optional.of(r.toTask());
  }

  @Override
  public List<Optional<Task>> getTasks(List<String> ids) {
    Map<String, TaskRecord> found = tasks.getAll(new java.util.HashSet<>(ids));
    List<Optional<Task>> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      TaskRecord r = found.get(id);
      out.add(r == null ? Optional.empty() : Optional.of(r.toTask()));
    }
    return out;
  }

  /**
   * A page of one tenant's tasks, newest first. Unfinished tasks and recently finished ones are in
   * the cluster's memory (the state index picks them); finished tasks that left memory are read
   * from the database on a member ({@link StoredTasksQuery}). Both sides give their first {@code
   * limit + 1} after the cursor and the merge keeps the first {@code limit + 1} of the union: a
   * task in both is the same finished record (finished records do not change), and an unfinished
   * task is never taken from the database, whose copy may be behind.
   */
  @Override
  public TaskPage listTasks(TaskQuery q) {
    if (q.limit() < 1 || q.limit() > 1000) {
      throw new InvalidRequestException("limit must be between 1 and 1000");
    }
    TaskQueries.Cursor cursor = q.cursor() == null ? null : TaskQueries.Cursor.decode(q.cursor());
    PagingPredicate<String, TaskRecord> page =
        Predicates.pagingPredicate(
            TaskQueries.inState(
                q.state(), new TaskQueries.Filter(q.tenant(), q.state(), q.function(), cursor)),
            new TaskQueries.NewestFirst(),
            q.limit() + 1);
    Map<String, TaskRecord> byId = new HashMap<>();
    for (var e : tasks.entrySet(page)) {
      byId.put(e.getKey(), e.getValue());
    }
    if ((q.state() == null || q.state().isTerminal()) && membersStore()) {
      for (TaskRecord r : storedFinished(q, cursor)) {
        if (r.state.isTerminal()) {
          byId.putIfAbsent(r.id, r);
        }
      }
    }
    List<TaskRecord> rows = new ArrayList<>(byId.values());
    rows.sort(
        Comparator.comparingLong((TaskRecord r) -> r.createdAt)
            .thenComparing(r -> r.id)
            .reversed());
    String next = null;
    if (rows.size() > q.limit()) {
      rows = rows.subList(0, q.limit());
      TaskRecord last = rows.get(rows.size() - 1);
      next = new TaskQueries.Cursor(last.createdAt, last.id).encode();
    }
    return new TaskPage(rows.stream().map(TaskRecord::toTask).toList(), next);
  }

  private List<TaskRecord> storedFinished(TaskQuery q, TaskQueries.Cursor cursor) {
    StoredTasksQuery query =
        new StoredTasksQuery(
            q.tenant(),
            q.state(),
            q.function(),
            cursor == null ? Long.MAX_VALUE : cursor.createdAt(),
            cursor == null ? null : cursor.id(),
            q.limit() + 1);
    return await(hz.getExecutorService(QUERIES).submit(query));
  }

  /** The executor that runs {@link StoredTasksQuery} on members. */
  static final String QUERIES = "gale.queries";

  /** The value of a cluster call; its failure (a database down, say) as 503 unavailable. */
  private static <T> T await(java.util.concurrent.Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("unavailable", "interrupted", null, e);
    } catch (ExecutionException e) {
      throw new UnavailableException(
          "unavailable", "scheduler operation failed: " + e.getCause(), null, e.getCause());
    }
  }

  @Override
  public Task cancel(String id) {
    Step s =
        tasks.executeOnKey(id, new Processors.Cancel(clock.millis()).endingAfter(finishedTtl()));
    if (s == null) {
      throw new NotFoundException("no task " + id);
    }
    switch (s.kind) {
      case ALREADY_TERMINAL -> throw new ConflictException("task " + id + " has already finished");
      case CANCELLED_RUNNING -> {
        HashMap<String, String> req = new HashMap<>();
        req.put(id, s.worker);
        cancelTopic.publish(req);
      }
      default -> ready.remove(s.pool, s.priority, id);
    }
    List<String> ended = new ArrayList<>(List.of(id));
    Map<String, List<Processors.Upstream>> releases = new HashMap<>();
    addReleases(releases, id, s);
    propagate(releases, clock.millis(), ended);
    publishTerminal(ended);
    return getTask(id).orElseThrow(() -> new NotFoundException("no task " + id));
  }

  // ---- dispatch ----

  @Override
  public List<Dispatch> take(String pool, List<WorkerCredit> credits, long timeoutMillis)
      throws InterruptedException {
    int total = 0;
    for (WorkerCredit c : credits) {
      total += Math.max(0, c.credits());
    }
    if (total == 0) {
      return List.of();
    }
    List<String> ids = ready.take(pool, total, timeoutMillis);
    if (ids.isEmpty()) {
      return List.of();
    }
    // an id may sit twice in a queue (the sweep put back a task a live gateway had just taken):
    // dispatch it once; the other copy, taken later, is discarded as no longer queued
    ids = new ArrayList<>(new java.util.LinkedHashSet<>(ids));
    Map<String, String> workerByTask = assign(ids, credits);
    long now = clock.millis();
    Map<String, Step> steps =
        applyGrouped(ids, group -> new Processors.Dispatch(subMap(workerByTask, group), now));
    List<Dispatch> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      Step s = steps.get(id);
      if (s != null && s.kind == Step.Kind.DISPATCHED) {
        out.add(
            new Dispatch(workerByTask.get(id), id, s.attempt, s.functionId, RawJson.of(s.args)));
      }
    }
    return out;
  }

  /**
   * Deals tasks to workers round-robin, each up to its credit, so that a small batch spreads over
   * the pool instead of filling the first worker's prefetch while others idle.
   */
  static Map<String, String> assign(List<String> ids, List<WorkerCredit> credits) {
    Map<String, String> workerByTask = new HashMap<>(ids.size() * 2);
    int[] left = new int[credits.size()];
    for (int w = 0; w < left.length; w++) {
      left[w] = Math.max(0, credits.get(w).credits());
    }
    int next = 0;
    boolean dealt = true;
    while (next < ids.size() && dealt) {
      dealt = false;
      for (int w = 0; w < left.length && next < ids.size(); w++) {
        if (left[w] > 0) {
          left[w]--;
          workerByTask.put(ids.get(next++), credits.get(w).workerId());
          dealt = true;
        }
      }
    }
    return workerByTask;
  }

  @Override
  public List<String> complete(List<Outcome> outcomes) {
    if (outcomes.isEmpty()) {
      return List.of();
    }
    long now = clock.millis();
    Map<String, OutcomeData> data = new HashMap<>(outcomes.size() * 2);
    for (Outcome o : outcomes) {
      data.put(o.taskId(), OutcomeData.of(o, now));
    }
    Map<String, Step> steps =
        applyGrouped(
            new ArrayList<>(data.keySet()),
            group -> new Processors.Complete(subMap(data, group), now).endingAfter(finishedTtl()));
    return afterSteps(steps);
  }

  @Override
  public void workerLost(String workerId, Map<String, Integer> running) {
    if (running.isEmpty()) {
      return;
    }
    long now = clock.millis();
    // a worker of a block the scaler drained was stopped by it: what it still held goes back
    boolean drained = drains.containsKey(WorkerInfo.blockOf(workerId));
    Map<String, Step> steps =
        applyGrouped(
            new ArrayList<>(running.keySet()),
            group ->
                new Processors.Lost(workerId, subMap(running, group), drained, now)
                    .endingAfter(finishedTtl()));
    List<String> ended = afterSteps(steps);
    LOG.info(
        "worker {} {} with {} running task(s); {} ended, the rest re-queued or already done",
        workerId,
        drained ? "stopped after its block was drained" : "lost",
        running.size(),
        ended.size());
  }

  @Override
  public int reconcileWorker(String workerId, Map<String, Integer> held) {
    Map<String, Integer> lost = new HashMap<>();
    for (var e :
        tasks.entrySet(
            TaskQueries.inState(TaskState.RUNNING, new TaskQueries.RunningOn(workerId)))) {
      TaskRecord r = e.getValue();
      Integer attempt = held.get(r.id);
      if (attempt == null || attempt != r.attempts) {
        lost.put(r.id, r.attempts);
      }
    }
    workerLost(workerId, lost);
    return lost.size();
  }

  /**
   * Re-queues REQUEUED tasks, caches the results of succeeded tasks of caching functions, releases
   * or ends the dependents of TERMINAL ones, announces every task that ended, and returns the ids
   * of the tasks the steps themselves ended.
   */
  private List<String> afterSteps(Map<String, Step> steps) {
    List<String> terminal = new ArrayList<>();
    Map<String, Map<Integer, List<String>>> requeue = new HashMap<>();
    Map<String, List<Processors.Upstream>> releases = new HashMap<>();
    Map<String, String> cacheWrites = new HashMap<>();
    for (var e : steps.entrySet()) {
      Step s = e.getValue();
      if (s == null) {
        continue;
      }
      if (s.kind == Step.Kind.TERMINAL) {
        terminal.add(e.getKey());
        addReleases(releases, e.getKey(), s);
        if (s.cacheKey != null && s.result != null) {
          cacheWrites.put(s.cacheKey, s.result);
        }
      } else if (s.kind == Step.Kind.REQUEUED) {
        requeue
            .computeIfAbsent(s.pool, p -> new HashMap<>())
            .computeIfAbsent(s.priority, p -> new ArrayList<>())
            .add(e.getKey());
      }
    }
    requeue.forEach((pool, byLevel) -> byLevel.forEach((p, ids) -> ready.addAll(pool, p, ids)));
    if (!cacheWrites.isEmpty()) {
      cache.setAll(cacheWrites);
    }
    if (releases.isEmpty()) {
      publishTerminal(terminal);
      return terminal;
    }
    List<String> ended = new ArrayList<>(terminal);
    propagate(releases, clock.millis(), ended);
    publishTerminal(ended);
    return terminal;
  }

  private void publishTerminal(List<String> ids) {
    if (!ids.isEmpty()) {
      terminalTopic.publish(new ArrayList<>(ids));
    }
  }

  private static <V> Map<String, V> subMap(Map<String, V> all, Collection<String> keys) {
    Map<String, V> m = new HashMap<>(keys.size() * 2);
    for (String k : keys) {
      m.put(k, all.get(k));
    }
    return m;
  }

  /**
   * Runs one processor per batch group (tasks of one batch live in one partition), all groups in
   * parallel, and merges the per-task results.
   */
  private Map<String, Step> applyGrouped(
      List<String> ids, Function<Collection<String>, Processors.Base> processorFor) {
    Map<String, java.util.Set<String>> groups = new HashMap<>();
    for (String id : ids) {
      String batch = TaskIds.batchOf(id);
      groups.computeIfAbsent(batch == null ? id : batch, b -> new java.util.HashSet<>()).add(id);
    }
    List<CompletableFuture<Map<String, Step>>> futures = new ArrayList<>(groups.size());
    for (java.util.Set<String> group : groups.values()) {
      CompletionStage<Map<String, Step>> f = tasks.submitToKeys(group, processorFor.apply(group));
      futures.add(f.toCompletableFuture());
    }
    Map<String, Step> out = new HashMap<>(ids.size() * 2);
    for (CompletableFuture<Map<String, Step>> f : futures) {
      out.putAll(await(f));
    }
    return out;
  }

  // ---- notifications ----

  @Override
  public AutoCloseable onTerminal(Consumer<List<String>> listener) {
    UUID id = terminalTopic.addMessageListener(m -> listener.accept(m.getMessageObject()));
    return () -> terminalTopic.removeMessageListener(id);
  }

  @Override
  public AutoCloseable onCancelRequest(Consumer<Map<String, String>> listener) {
    UUID id = cancelTopic.addMessageListener(m -> listener.accept(m.getMessageObject()));
    return () -> cancelTopic.removeMessageListener(id);
  }

  @Override
  public AutoCloseable onDrainRequest(Consumer<String> listener) {
    UUID id = drains.addEntryListener(new DrainListener(listener), false);
    return () -> drains.removeEntryListener(id);
  }

  /** Hands a block asked to drain (first time or again) to a listener. */
  private record DrainListener(Consumer<String> listener)
      implements EntryAddedListener<String, Long>, EntryUpdatedListener<String, Long> {
    @Override
    public void entryAdded(EntryEvent<String, Long> e) {
      listener.accept(e.getKey());
    }

    @Override
    public void entryUpdated(EntryEvent<String, Long> e) {
      listener.accept(e.getKey());
    }
  }

  // ---- leases ----

  @Override
  public Optional<Lease> tryLease(String name, String holder, java.time.Duration ttl) {
    return leases.acquire(name, holder, ttl.toMillis(), clock.millis());
  }

  @Override
  public boolean releaseLease(Lease lease) {
    return leases.release(lease);
  }

  @Override
  public Optional<Lease> currentLease(String name) {
    return leases.current(name, clock.millis());
  }

  // ---- pools and workers ----

  @Override
  public void putPool(String name, JsonNode settings) {
    pools.set(name, settings.toString());
  }

  @Override
  public void putTransfer(dev.gale.api.TransferRecord transfer) {
    transfers.set(transfer.id(), Json.write(transfer));
  }

  @Override
  public Optional<dev.gale.api.TransferRecord> getTransfer(String id) {
    String json = transfers.get(id);
    return json == null
        ? Optional.empty()
        : Optional.of(Json.read(json, dev.gale.api.TransferRecord.class));
  }

  @Override
  public List<dev.gale.api.TransferRecord> listTransfers(String tenant) {
    return transfers.values().stream()
        .map(j -> Json.read(j, dev.gale.api.TransferRecord.class))
        .filter(t -> tenant == null || t.tenant().equals(tenant))
        .sorted(
            java.util.Comparator.comparing(
                    (dev.gale.api.TransferRecord t) -> t.job().path("createdAt").asText())
                .thenComparing(dev.gale.api.TransferRecord::id))
        .toList();
  }

  @Override
  public Map<String, JsonNode> pools() {
    Map<String, JsonNode> out = new TreeMap<>();
    for (var e : pools.entrySet()) {
      out.put(e.getKey(), Json.readTree(e.getValue()));
    }
    return out;
  }

  @Override
  public boolean deletePool(String name) {
    return pools.remove(name) != null;
  }

  /**
   * Compare-and-set on {@code gale.pools.status}, whose values are {@code "<fence> <json>"}: the
   * fence is compared without parsing the JSON.
   */
  @Override
  public boolean putPoolStatus(String pool, long fence, JsonNode status) {
    String value = fence + " " + status;
    while (true) {
      String old = poolStatus.get(pool);
      if (old == null) {
        if (poolStatus.putIfAbsent(pool, value) == null) {
          return true;
        }
      } else if (statusFence(old) > fence) {
        return false;
      } else if (poolStatus.replace(pool, old, value)) {
        return true;
      }
    }
  }

  @Override
  public void removePoolStatus(String pool, long fence) {
    while (true) {
      String old = poolStatus.get(pool);
      if (old == null || statusFence(old) > fence || poolStatus.remove(pool, old)) {
        return;
      }
    }
  }

  @Override
  public Map<String, JsonNode> poolStatuses() {
    Map<String, JsonNode> out = new TreeMap<>();
    for (var e : poolStatus.entrySet()) {
      String v = e.getValue();
      out.put(e.getKey(), Json.readTree(v.substring(v.indexOf(' ') + 1)));
    }
    return out;
  }

  @Override
  public void drainBlock(String blockId) {
    drains.set(blockId, clock.millis(), 1, TimeUnit.DAYS);
  }

  @Override
  public Set<String> drainRequested(Collection<String> workerIds) {
    if (workerIds.isEmpty()) {
      return Set.of();
    }
    Set<String> blocks = new HashSet<>();
    workerIds.forEach(w -> blocks.add(WorkerInfo.blockOf(w)));
    Set<String> asked = drains.getAll(blocks).keySet();
    Set<String> out = new HashSet<>();
    for (String w : workerIds) {
      if (asked.contains(WorkerInfo.blockOf(w))) {
        out.add(w);
      }
    }
    return out;
  }

  private static long statusFence(String value) {
    return Long.parseLong(value.substring(0, value.indexOf(' ')));
  }

  @Override
  public long queueDepth(String pool) {
    return ready.size(pool);
  }

  @Override
  public Map<String, Long> queueDepths() {
    Map<String, Long> out = new TreeMap<>();
    for (String pool : pools.keySet()) {
      out.put(pool, 0L);
    }
    for (DistributedObject o : hz.getDistributedObjects()) {
      String pool = o instanceof IQueue<?> ? ReadyQueues.poolOf(o.getName()) : null;
      if (pool != null) {
        out.put(pool, 0L);
      }
    }
    for (String pool : out.keySet()) {
      out.put(pool, ready.size(pool));
    }
    return out;
  }

  @Override
  public Map<String, Map<String, Integer>> runningByWorker() {
    Map<String, Map<String, Integer>> out = new TreeMap<>();
    java.util.HashMap<String, java.util.HashMap<String, Integer>> counts =
        tasks.aggregate(new RunningPerWorker(), TaskQueries.inState(TaskState.RUNNING));
    if (counts != null) {
      counts.forEach((pool, byWorker) -> out.put(pool, Map.copyOf(byWorker)));
    }
    return out;
  }

  /** Counts running attempts per pool and worker in one pass over the task records. */
  static final class RunningPerWorker
      implements com.hazelcast.aggregation.Aggregator<
          Map.Entry<String, TaskRecord>,
          java.util.HashMap<String, java.util.HashMap<String, Integer>>> {
    private java.util.HashMap<String, java.util.HashMap<String, Integer>> counts =
        new java.util.HashMap<>();

    @Override
    public void accumulate(Map.Entry<String, TaskRecord> e) {
      TaskRecord r = e.getValue();
      if (r.state == TaskState.RUNNING && r.worker != null && r.pool != null) {
        counts
            .computeIfAbsent(r.pool, p -> new java.util.HashMap<>())
            .merge(r.worker, 1, Integer::sum);
      }
    }

    @Override
    public void combine(com.hazelcast.aggregation.Aggregator aggregator) {
      ((RunningPerWorker) aggregator)
          .counts.forEach(
              (pool, byWorker) -> {
                java.util.HashMap<String, Integer> mine =
                    counts.computeIfAbsent(pool, p -> new java.util.HashMap<>());
                byWorker.forEach((w, n) -> mine.merge(w, n, Integer::sum));
              });
    }

    @Override
    public java.util.HashMap<String, java.util.HashMap<String, Integer>> aggregate() {
      return counts;
    }
  }

  @Override
  public Map<TaskState, Long> countByState() {
    long[] counts = tasks.aggregate(new TaskQueries.StateCounts());
    Map<TaskState, Long> out = new EnumMap<>(TaskState.class);
    for (TaskState s : TaskState.values()) {
      out.put(s, counts == null ? 0L : counts[s.ordinal()]);
    }
    return out;
  }

  @Override
  public void putWorker(WorkerInfo worker) {
    workers.set(worker.id(), worker, options.workerTtlSeconds(), TimeUnit.SECONDS);
  }

  @Override
  public int recoverOrphans(java.time.Duration grace) {
    java.util.Set<String> live = new java.util.HashSet<>(workers.keySet());
    long startedBefore = clock.millis() - grace.toMillis();
    Map<String, Map<String, Integer>> byWorker = new HashMap<>();
    int n = 0;
    for (var e :
        tasks.entrySet(
            TaskQueries.inState(TaskState.RUNNING, new TaskQueries.Orphans(live, startedBefore)))) {
      TaskRecord r = e.getValue();
      byWorker.computeIfAbsent(r.worker, w -> new HashMap<>()).put(r.id, r.attempts);
      n++;
    }
    byWorker.forEach(this::workerLost);
    return n + releaseOverlooked(startedBefore) + requeueStranded(startedBefore);
  }

  /**
   * Puts back on their ready queues the queued tasks that are in no queue: a gateway that died
   * after taking them from the queue and before marking them running stranded them. Cheap when
   * nothing is stranded: only a pool with more queued tasks than queue entries is examined. A task
   * put back twice is harmless (dispatch skips an id that is no longer queued).
   *
   * @return how many tasks were put back
   */
  private int requeueStranded(long createdBefore) {
    Map<String, Long> queued =
        tasks.aggregate(new TaskQueries.QueuedPerPool(), TaskQueries.inState(TaskState.QUEUED));
    int n = 0;
    for (var e : queued.entrySet()) {
      String pool = e.getKey();
      if (e.getValue() <= ready.size(pool)) {
        continue;
      }
      java.util.Set<String> inQueue = ready.snapshot(pool);
      Map<Integer, List<String>> back = new HashMap<>();
      for (var t :
          tasks.entrySet(
              TaskQueries.inState(
                  TaskState.QUEUED, new TaskQueries.QueuedIn(pool, createdBefore)))) {
        if (!inQueue.contains(t.getKey())) {
          back.computeIfAbsent(t.getValue().priority, p -> new ArrayList<>()).add(t.getKey());
          n++;
        }
      }
      back.forEach((p, ids) -> ready.addAll(pool, p, ids));
    }
    if (n > 0) {
      LOG.info("put {} stranded queued task(s) back on their ready queues", n);
    }
    return n;
  }

  /**
   * Releases waiting tasks whose upstream tasks ended without telling them (the process that
   * recorded the ending died before it released the dependents). Looks only at tasks waiting since
   * before {@code createdBefore}; releases are idempotent.
   *
   * @return how many waiting tasks were told of an ended upstream task
   */
  private int releaseOverlooked(long createdBefore) {
    Map<String, List<String>> downstreamByUpstream = new HashMap<>();
    for (String[] row :
        tasks.project(
            new TaskQueries.PendingUpstream(),
            TaskQueries.inState(TaskState.WAITING, new TaskQueries.WaitingSince(createdBefore)))) {
      for (int i = 1; i < row.length; i++) {
        downstreamByUpstream.computeIfAbsent(row[i], k -> new ArrayList<>()).add(row[0]);
      }
    }
    if (downstreamByUpstream.isEmpty()) {
      return 0;
    }
    Map<String, List<Processors.Upstream>> releases = new HashMap<>();
    List<String> ups = new ArrayList<>(downstreamByUpstream.keySet());
    for (int from = 0; from < ups.size(); from += 10_000) {
      java.util.Set<String> chunk =
          new java.util.HashSet<>(ups.subList(from, Math.min(ups.size(), from + 10_000)));
      tasks
          .getAll(chunk)
          .forEach(
              (id, r) -> {
                if (r.state.isTerminal()) {
                  Processors.Upstream u = new Processors.Upstream(id, r.state, r.result, r.error);
                  for (String d : downstreamByUpstream.get(id)) {
                    releases.computeIfAbsent(d, k -> new ArrayList<>(1)).add(u);
                  }
                }
              });
    }
    if (releases.isEmpty()) {
      return 0;
    }
    LOG.info("releasing {} waiting task(s) whose upstream tasks ended unnoticed", releases.size());
    List<String> ended = new ArrayList<>();
    propagate(releases, clock.millis(), ended);
    publishTerminal(ended);
    return releases.size();
  }

  @Override
  public void removeWorker(String workerId) {
    workers.delete(workerId);
  }

  @Override
  public Collection<WorkerInfo> workers() {
    return new ArrayList<>(workers.values());
  }

  @Override
  public Optional<String> memberAddress() {
    if (!(hz instanceof com.hazelcast.instance.impl.HazelcastInstanceProxy)) {
      return Optional.empty();
    }
    var a = hz.getCluster().getLocalMember().getAddress();
    return Optional.of(a.getHost() + ":" + a.getPort());
  }

  @Override
  public boolean isReady() {
    if (!hz.getLifecycleService().isRunning()) {
      return false;
    }
    try {
      return hz.getCluster().getMembers().size() > 0
          && (hz instanceof com.hazelcast.instance.impl.HazelcastInstanceProxy
              ? hz.getPartitionService().isClusterSafe()
              : true);
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (retentionSweep != null) {
      retentionSweep.shutdownNow();
    }
    // durable store: flush pending writes first; if that cannot finish (database down), leave
    // without Hazelcast's own flush, which would retry for a long time (the loss is logged)
    boolean flushed = store.flush(hz);
    try {
      if (flushed) {
        hz.shutdown();
      } else {
        hz.getLifecycleService().terminate();
      }
    } catch (RuntimeException e) {
      LOG.debug("shutdown of the scheduler's Hazelcast instance failed", e);
    }
    store.close();
  }
}
