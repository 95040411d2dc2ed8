package dev.gale.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.FunctionDefinition;
import dev.gale.api.Task;
import dev.gale.api.TaskState;
import dev.gale.api.TokenRecord;
import dev.gale.api.WorkerInfo;
import dev.gale.scheduler.Dispatch;
import dev.gale.scheduler.NewTask;
import dev.gale.scheduler.Outcome;
import dev.gale.scheduler.Scheduler;
import dev.gale.scheduler.TaskPage;
import dev.gale.scheduler.TaskQuery;
import dev.gale.scheduler.WorkerCredit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A scheduler for unit tests of the HTTP edge and of token handling: tokens, functions and
 * artifacts in maps; the task methods fail with {@link IllegalStateException} (standing for an
 * unexpected bug), which tests use to check that such failures become a plain 500. The task path is
 * tested against the real scheduler in the {@code *IT} tests.
 */
public final class FakeScheduler implements Scheduler {
  public final Map<String, TokenRecord> tokens = new ConcurrentHashMap<>();
  public final Map<String, FunctionDefinition> functions = new ConcurrentHashMap<>();
  public final Map<String, byte[]> artifacts = new ConcurrentHashMap<>();
  public final AtomicInteger tokenLookups = new AtomicInteger();
  public volatile boolean ready = true;

  private static IllegalStateException notHere() {
    return new IllegalStateException("internal detail that must not leak: not in this fake");
  }

  @Override
  public void putFunction(FunctionDefinition function) {
    functions.put(function.id(), function);
  }

  @Override
  public Optional<FunctionDefinition> getFunction(String id) {
    return Optional.ofNullable(functions.get(id));
  }

  @Override
  public int recoverOrphans(java.time.Duration grace) {
    return 0;
  }

  @Override
  public Optional<String> memberAddress() {
    return Optional.empty();
  }

  @Override
  public int reconcileWorker(String workerId, Map<String, Integer> held) {
    return 0;
  }

  /** Leases always granted: a fake has one holder. */
  @Override
  public Optional<dev.gale.scheduler.Lease> tryLease(
      String name, String holder, java.time.Duration ttl) {
    return Optional.of(
        new dev.gale.scheduler.Lease(name, holder, 1, java.time.Instant.now().plus(ttl)));
  }

  @Override
  public boolean releaseLease(dev.gale.scheduler.Lease lease) {
    return true;
  }

  @Override
  public Optional<dev.gale.scheduler.Lease> currentLease(String name) {
    return Optional.empty();
  }

  @Override
  public Optional<FunctionDefinition> getFunctionForDispatch(String id) {
    return getFunction(id);
  }

  @Override
  public List<FunctionDefinition> listFunctions(String tenant) {
    return functions.values().stream().filter(f -> f.visibleTo(tenant)).toList();
  }

  @Override
  public boolean deleteFunction(String id) {
    return functions.remove(id) != null;
  }

  @Override
  public void putArtifact(String digest, byte[] bytes) {
    artifacts.put(digest, bytes);
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
    tokens.put(token.hash(), token);
  }

  @Override
  public Optional<TokenRecord> findToken(String hash) {
    tokenLookups.incrementAndGet();
    return Optional.ofNullable(tokens.get(hash));
  }

  @Override
  public List<Task> submit(List<NewTask> tasks) {
    throw notHere();
  }

  @Override
  public Optional<Task> getTask(String id) {
    throw notHere();
  }

  @Override
  public List<Optional<Task>> getTasks(List<String> ids) {
    throw notHere();
  }

  @Override
  public TaskPage listTasks(TaskQuery query) {
    throw notHere();
  }

  @Override
  public Task cancel(String id) {
    throw notHere();
  }

  @Override
  public List<Dispatch> take(String pool, List<WorkerCredit> credits, long timeoutMillis)
      throws InterruptedException {
    Thread.sleep(timeoutMillis);
    return List.of();
  }

  @Override
  public List<String> complete(List<Outcome> outcomes) {
    throw notHere();
  }

  @Override
  public void workerLost(String workerId, Map<String, Integer> running) {}

  @Override
  public AutoCloseable onTerminal(Consumer<List<String>> listener) {
    return () -> {};
  }

  @Override
  public AutoCloseable onCancelRequest(Consumer<Map<String, String>> listener) {
    return () -> {};
  }

  @Override
  public void putPool(String name, JsonNode settings) {
    throw notHere();
  }

  private final Map<String, dev.gale.api.TransferRecord> transfers =
      new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public void putTransfer(dev.gale.api.TransferRecord transfer) {
    transfers.put(transfer.id(), transfer);
  }

  @Override
  public Optional<dev.gale.api.TransferRecord> getTransfer(String id) {
    return Optional.ofNullable(transfers.get(id));
  }

  @Override
  public List<dev.gale.api.TransferRecord> listTransfers(String tenant) {
    return transfers.values().stream()
        .filter(t -> tenant == null || t.tenant().equals(tenant))
        .sorted(java.util.Comparator.comparing(dev.gale.api.TransferRecord::id))
        .toList();
  }

  @Override
  public Map<String, JsonNode> pools() {
    return Map.of();
  }

  @Override
  public boolean deletePool(String name) {
    throw notHere();
  }

  @Override
  public boolean putPoolStatus(String pool, long fence, JsonNode status) {
    throw notHere();
  }

  @Override
  public void removePoolStatus(String pool, long fence) {
    throw notHere();
  }

  @Override
  public Map<String, JsonNode> poolStatuses() {
    return Map.of();
  }

  private final Map<String, Boolean> drains = new ConcurrentHashMap<>();

  private final java.util.List<Consumer<String>> drainListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public void drainBlock(String blockId) {
    drains.put(blockId, true);
    drainListeners.forEach(l -> l.accept(blockId));
  }

  @Override
  public AutoCloseable onDrainRequest(Consumer<String> listener) {
    drainListeners.add(listener);
    return () -> drainListeners.remove(listener);
  }

  @Override
  public java.util.Set<String> drainRequested(Collection<String> workerIds) {
    java.util.Set<String> out = new java.util.HashSet<>();
    workerIds.forEach(
        w -> {
          if (drains.containsKey(WorkerInfo.blockOf(w))) {
            out.add(w);
          }
        });
    return out;
  }

  @Override
  public long queueDepth(String pool) {
    return 0;
  }

  @Override
  public Map<String, Long> queueDepths() {
    return Map.of();
  }

  @Override
  public Map<String, Map<String, Integer>> runningByWorker() {
    return Map.of();
  }

  @Override
  public Map<TaskState, Long> countByState() {
    return Map.of();
  }

  @Override
  public void putWorker(WorkerInfo worker) {}

  @Override
  public void removeWorker(String workerId) {}

  @Override
  public Collection<WorkerInfo> workers() {
    return List.of();
  }

  @Override
  public boolean isReady() {
    return ready;
  }

  @Override
  public void close() {}
}
