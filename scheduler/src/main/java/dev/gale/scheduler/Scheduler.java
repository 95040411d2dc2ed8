package dev.gale.scheduler;

import dev.gale.api.FunctionDefinition;
import dev.gale.api.Task;
import dev.gale.api.TokenRecord;
import dev.gale.api.WorkerInfo;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The scheduler's public face: function registry, artifacts, tokens, task records, one ready queue
 * per pool, leases on running tasks, and completion notifications. The gateway is its only caller;
 * the Hazelcast implementation is the real one ({@code Schedulers}).
 *
 * <p><b>Threading.</b> Every method may block on the network (a remote member) and must not be
 * called on an event loop; all methods are thread-safe. Methods never return null.
 *
 * <p><b>Batches.</b> The hot path is batched: {@link #submit}, {@link #take}, {@link #complete} and
 * {@link #getTasks} each cost a small constant number of cluster operations per call, not per task.
 *
 * <p><b>State changes</b> follow one transition table; a change that the table forbids is a no-op
 * (for example a result for a task that was cancelled meanwhile).
 */
public interface Scheduler extends AutoCloseable {

  // ---- functions ----

  /** Stores a new function. The caller assigns its id. */
  void putFunction(FunctionDefinition function);

  /** The function with this id, whoever owns it (the caller checks visibility). */
  Optional<FunctionDefinition> getFunction(String id);

  /** Functions visible to the tenant (its own and public ones), oldest first. */
  List<FunctionDefinition> listFunctions(String tenant);

  /**
   * Deletes a function: it is no longer found by {@link #getFunction} or listed. Its definition
   * stays readable through {@link #getFunctionForDispatch}, because tasks submitted before the
   * delete still run. Returns false if it did not exist.
   */
  boolean deleteFunction(String id);

  /**
   * The function with this id, including one deleted after tasks of it were submitted; for
   * dispatching those tasks, never for the user API.
   */
  Optional<FunctionDefinition> getFunctionForDispatch(String id);

  // ---- artifacts (JARs for the java kind) ----

  /** Stores JAR bytes under their digest ({@code sha256:<hex>}); idempotent. */
  void putArtifact(String digest, byte[] bytes);

  /** The bytes stored under the digest. */
  Optional<byte[]> getArtifact(String digest);

  /** Whether an artifact with this digest exists. */
  boolean hasArtifact(String digest);

  // ---- tokens ----

  /** Stores a token record keyed by its hash. */
  void putToken(TokenRecord token);

  /** The token with this hash. */
  Optional<TokenRecord> findToken(String hash);

  // ---- tasks ----

  /**
   * Accepts a batch of tasks atomically from the caller's point of view: either all are stored, or
   * an exception is thrown and none is.
   *
   * <p>A task whose args contain {@code {"$ref": ref}} (an entry of the same batch) or {@code
   * {"$task": id}} (an earlier task of the same tenant) waits, in state {@code waiting}, until
   * those tasks succeed, and then runs with each reference replaced by that task's result. If one
   * of them fails the task fails with {@code dependency_failed}; if one is cancelled, it is
   * cancelled; and so on through the graph. A task of a caching function whose result for the same
   * args is cached succeeds at once, marked {@code cached}.
   *
   * @return the new tasks, in the order given: {@code queued}, {@code waiting}, or already ended
   * @throws dev.gale.api.BackPressureException when the pool's queue is at its limit
   * @throws dev.gale.api.InvalidRequestException for a malformed reference, an unknown ref or a
   *     cycle
   * @throws dev.gale.api.NotFoundException for a {@code $task} that does not exist or belongs to
   *     another tenant
   */
  List<Task> submit(List<NewTask> tasks);

  /**
   * Submits one task and, when it can start at once, hands it straight to a worker the caller knows
   * has room for it: the task is stored already {@code running} under that worker with its first
   * attempt, without a trip through the pool's ready queue and a dispatcher. This is the sync
   * invoke's short path. It is taken only while a {@link #take} of this process waits on the pool's
   * queues, found empty (so no queued task is overtaken), and for a task without upstream
   * references whose function does not cache results; otherwise the task is submitted as by {@link
   * #submit} (this default always does that). The caller must deliver a returned dispatch or report
   * the attempt lost, as after {@link #take}.
   *
   * @return the stored task and, if it was handed to the worker, its dispatch
   */
  default Submitted submitTo(NewTask task, String workerId) {
    return new Submitted(submit(List.of(task)).get(0), null);
  }

  /** The task with this id, whoever owns it (the caller checks the tenant). */
  Optional<Task> getTask(String id);

  /**
   * Several tasks at once, in the order of {@code ids}; an unknown id maps to {@link
   * Optional#empty()}.
   */
  List<Optional<Task>> getTasks(List<String> ids);

  /** A page of one tenant's tasks, newest first. */
  TaskPage listTasks(TaskQuery query);

  /**
   * Cancels a task that is not terminal. A running task is marked cancelled at once and its worker
   * is told to kill it through {@link #onCancelRequest}.
   *
   * @return the task after the change
   * @throws dev.gale.api.NotFoundException if it does not exist
   * @throws dev.gale.api.ConflictException if it is already terminal
   */
  Task cancel(String id);

  // ---- dispatch (called by the gateway for its connected workers) ----

  /**
   * Takes queued tasks of a pool, highest {@code priority} first and first-in first-out among
   * equals (a retried task goes to the back of its priority), and deals them round-robin to the
   * given workers, at most {@code credits} to each. Each task is marked running under its worker
   * with a new attempt. Blocks up to {@code timeoutMillis} while the pool's queues are empty;
   * returns an empty list if nothing arrived.
   */
  List<Dispatch> take(String pool, List<WorkerCredit> credits, long timeoutMillis)
      throws InterruptedException;

  /**
   * Records the ends of attempts in one batch. Outcomes whose attempt is not the task's current
   * one, or whose task is no longer running, are discarded. A failed attempt with retries left is
   * queued again.
   *
   * @return ids of the tasks that reached a terminal state through this call
   */
  List<String> complete(List<Outcome> outcomes);

  /**
   * A worker is gone (disconnected or silent). Each of its running attempts is queued again if the
   * function has retries left, otherwise fails with {@code worker_lost}.
   *
   * @param running task id → attempt, as the gateway last knew them
   */
  void workerLost(String workerId, Map<String, Integer> running);

  /**
   * A worker reconnected holding these attempts (task id → attempt): every other attempt the
   * scheduler has running on it was lost in flight (dispatched by a gateway that died before
   * delivering it) and is given back exactly as by {@link #workerLost}.
   *
   * @return how many attempts were given back
   */
  int reconcileWorker(String workerId, Map<String, Integer> held);

  /**
   * Gives back the running attempts of workers that no gateway keeps registered any more (their
   * registration expired, e.g. because their gateway died): each is queued again if retries remain,
   * otherwise it fails with {@code worker_lost}, exactly as {@link #workerLost}. Attempts started
   * less than {@code grace} ago are left alone. Idempotent; any gateway may call it.
   *
   * @return how many attempts were looked at
   */
  int recoverOrphans(java.time.Duration grace);

  /**
   * Registers a listener for tasks reaching a terminal state anywhere in the cluster. Called on a
   * scheduler thread with batches of task ids; it must not block.
   *
   * @return closing it removes the listener
   */
  AutoCloseable onTerminal(Consumer<List<String>> listener);

  /**
   * Registers a listener for cancellation of running tasks: batches of (task id → worker id) to
   * forward to the workers. Called on a scheduler thread; it must not block.
   */
  AutoCloseable onCancelRequest(Consumer<Map<String, String>> listener);

  // ---- leases: things that must run once in the cluster ----

  /**
   * Takes the named lease for {@code holder}, or renews it if {@code holder} already holds it.
   * Empty when another holder's lease has not lapsed. A holder renews well before {@code ttl} runs
   * out and stops its exclusive work when a renewal fails.
   */
  Optional<Lease> tryLease(String name, String holder, java.time.Duration ttl);

  /** Gives a lease up early if it is still held with that fence; true when it was. */
  boolean releaseLease(Lease lease);

  /** The lease's current, unexpired holder, if any. */
  Optional<Lease> currentLease(String name);

  // ---- pools and workers ----

  /**
   * Creates or replaces a pool's settings ({@code provider}, scaling settings, {@code options}), as
   * {@code PUT /v1/pools/{name}} takes them.
   */
  void putPool(String name, com.fasterxml.jackson.databind.JsonNode settings);

  /** Settings of every configured pool, by name. */
  Map<String, com.fasterxml.jackson.databind.JsonNode> pools();

  /**
   * Removes a pool's settings ({@code DELETE /v1/pools/{name}}); the pool's scaler then stops its
   * blocks and removes the pool's status.
   *
   * @return true when the pool was configured
   */
  boolean deletePool(String name);

  /**
   * Stores the status the scaler of a pool publishes after each of its decisions (blocks, last
   * decision, health), written under the scaler's lease on the pool with that lease's fence. Not
   * durable: a scaler publishes again within seconds.
   *
   * @return false, storing nothing, when a status with a larger fence is stored: a newer scaler has
   *     taken the pool over
   */
  boolean putPoolStatus(String pool, long fence, com.fasterxml.jackson.databind.JsonNode status);

  /** Removes a pool's status if it was stored with {@code fence} or a smaller one. */
  void removePoolStatus(String pool, long fence);

  /** The status each pool's scaler last published, by pool. */
  Map<String, com.fasterxml.jackson.databind.JsonNode> poolStatuses();

  /**
   * Asks the gateways to drain the workers of a block ({@link WorkerInfo#blockOf}): no new task
   * reaches them, including workers of the block that connect later; running tasks go on. The
   * elastic scaler calls it before it stops a block. Kept for a day; idempotent.
   */
  void drainBlock(String blockId);

  /** Of these worker ids, those whose block was asked to drain. */
  java.util.Set<String> drainRequested(java.util.Collection<String> workerIds);

  /**
   * Registers a listener for blocks asked to drain ({@link #drainBlock}), anywhere in the cluster,
   * so that a gateway stops dispatching to their workers at once instead of at its next poll of
   * {@link #drainRequested}. Called on a scheduler thread with the block id; it must not block.
   *
   * @return closing it removes the listener
   */
  AutoCloseable onDrainRequest(Consumer<String> listener);

  /**
   * Stores (creates or replaces) a site-to-site transfer record, kept in the cluster so that every
   * gateway can answer for it. Not persisted by the durable store: records live as long as the
   * cluster does.
   */
  void putTransfer(dev.gale.api.TransferRecord transfer);

  /** The transfer with this id, of any tenant. */
  Optional<dev.gale.api.TransferRecord> getTransfer(String id);

  /** The transfers of one tenant (or of every tenant when {@code tenant} is null), oldest first. */
  List<dev.gale.api.TransferRecord> listTransfers(String tenant);

  /** Tasks in the pool's ready queue. */
  long queueDepth(String pool);

  /** Queue depth of every pool that has or had a queue. */
  Map<String, Long> queueDepths();

  /**
   * Running attempts by pool and worker id, from the task records: exact at once, unlike {@link
   * WorkerInfo#running()}, which gateways refresh at each worker heartbeat. One pass over the tasks
   * (the elastic scaler calls it about once a second).
   */
  Map<String, Map<String, Integer>> runningByWorker();

  /**
   * Number of tasks in each state held in the cluster's memory: every unfinished task, and the
   * finished ones until they leave memory ({@link
   * dev.gale.scheduler.store.StoreOptions#finishedInMemory}, or the retention without a database).
   */
  Map<dev.gale.api.TaskState, Long> countByState();

  /**
   * Records or refreshes a connected worker. The record expires after {@link
   * SchedulerOptions#workerTtlSeconds} without a refresh.
   */
  void putWorker(WorkerInfo worker);

  /** Forgets a worker. */
  void removeWorker(String workerId);

  /** Workers connected to any gateway. */
  Collection<WorkerInfo> workers();

  /**
   * The {@code host:port} this scheduler's member listens on for other members and clients, or
   * empty when this is a client of a cluster.
   */
  Optional<String> memberAddress();

  /** True when the scheduler can serve requests (cluster formed, partitions safe). */
  boolean isReady();

  /** Leaves the cluster (or disconnects the client). Idempotent. */
  @Override
  void close();
}
