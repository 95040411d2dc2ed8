package dev.gale.gateway.impl;

import dev.gale.api.FunctionDefinition;
import dev.gale.api.Json;
import dev.gale.api.NotFoundException;
import dev.gale.scheduler.Scheduler;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Function definitions by id. Definitions are immutable, so the dispatcher may use an entry
 * forever; only whether a function still exists can change, so invocations re-read an entry older
 * than {@link #FRESH_NANOS} (a delete through this gateway evicts at once; one through another
 * gateway is seen here within that time).
 *
 * <p>Thread-safe. The {@code load} methods may call the scheduler and block.
 */
final class FunctionCache {
  /** How old an entry an invocation accepts. */
  static final long FRESH_NANOS = 2_000_000_000L;

  private static final int MAX_ENTRIES = 50_000;

  private final Scheduler scheduler;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  private record Entry(FunctionDefinition function, long loadedAt, boolean deleted) {}

  FunctionCache(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** For invocations: a recent entry or a fresh read. Blocks on a miss. */
  Optional<FunctionDefinition> loadFresh(String id) {
    Entry e = entries.get(id);
    if (e != null && e.deleted()) {
      return Optional.empty();
    }
    if (e != null && System.nanoTime() - e.loadedAt() < FRESH_NANOS) {
      return Optional.of(e.function());
    }
    return read(id);
  }

  /**
   * For dispatch: any cached entry, even of a deleted function (definitions never change), or a
   * read. Blocks on a miss.
   */
  Optional<FunctionDefinition> load(String id) {
    Entry e = entries.get(id);
    return e != null
        ? Optional.of(e.function())
        : scheduler.getFunctionForDispatch(id).map(this::cache);
  }

  private FunctionDefinition cache(FunctionDefinition f) {
    put(f);
    return f;
  }

  /** The function if the tenant may see it (its own or public). Blocks on a miss. */
  FunctionDefinition visible(String id, String tenant) {
    return loadFresh(id).filter(f -> f.visibleTo(tenant)).orElseThrow(() -> notFound(id));
  }

  /** The 404 for a function that does not exist or is not visible. */
  static NotFoundException notFound(String id) {
    return new NotFoundException(
        "not_found", "no function " + id, Json.object().put("function", id));
  }

  /** Caches a definition just stored. */
  void put(FunctionDefinition f) {
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    entries.put(f.id(), new Entry(f, System.nanoTime(), false));
  }

  /**
   * Marks a function deleted: invocations no longer find it, but its definition stays available to
   * the dispatcher because tasks submitted before the delete still run.
   */
  void markDeleted(String id) {
    entries.computeIfPresent(id, (k, e) -> new Entry(e.function(), e.loadedAt(), true));
  }

  private Optional<FunctionDefinition> read(String id) {
    Optional<FunctionDefinition> f = scheduler.getFunction(id);
    if (f.isPresent()) {
      put(f.get());
    } else {
      markDeleted(id);
    }
    return f;
  }
}
