package dev.gale.scheduler.store;

import com.hazelcast.map.EntryStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The task map's store as Hazelcast sees it: {@link JdbcMapStore} plus an expiration time on every
 * finished task it loads, so that a finished task read back from the database (by id, or as an
 * upstream of a new task) stays in memory for {@link StoreOptions#finishedInMemory} and then leaves
 * again instead of staying for good. Unfinished tasks never expire. Expiry only takes a record out
 * of memory; its row stays until the retention sweep deletes it.
 *
 * @param <V> the task record type
 */
public final class TaskEntryStore<V> implements EntryStore<String, V> {
  private final JdbcMapStore<V> rows;
  private final TaskCodec<V> codec;
  private final long inMemoryMillis;
  private final Clock clock;

  /**
   * A store over {@code rows} (a store of {@link StoredMap#TASKS}) keeping loaded finished tasks in
   * memory for {@code inMemory}.
   */
  public TaskEntryStore(JdbcMapStore<V> rows, TaskCodec<V> codec, Duration inMemory, Clock clock) {
    if (!rows.map().isTasks()) {
      throw new IllegalArgumentException("a TaskEntryStore stores the task map");
    }
    this.rows = rows;
    this.codec = codec;
    this.inMemoryMillis = inMemory.toMillis();
    this.clock = clock;
  }

  private MetadataAwareValue<V> withExpiry(V value) {
    if (value == null) {
      return null;
    }
    return codec.state(value).isTerminal()
        ? new MetadataAwareValue<>(value, clock.millis() + inMemoryMillis)
        : new MetadataAwareValue<>(value);
  }

  @Override
  public MetadataAwareValue<V> load(String key) {
    return withExpiry(rows.load(key));
  }

  @Override
  public Map<String, MetadataAwareValue<V>> loadAll(Collection<String> keys) {
    Map<String, V> loaded = rows.loadAll(keys);
    Map<String, MetadataAwareValue<V>> out = new HashMap<>(loaded.size() * 2);
    loaded.forEach((k, v) -> out.put(k, withExpiry(v)));
    return out;
  }

  @Override
  public Iterable<String> loadAllKeys() {
    return rows.loadAllKeys();
  }

  @Override
  public void store(String key, MetadataAwareValue<V> value) {
    rows.store(key, value.getValue());
  }

  @Override
  public void storeAll(Map<String, MetadataAwareValue<V>> entries) {
    Map<String, V> plain = new HashMap<>(entries.size() * 2);
    entries.forEach((k, v) -> plain.put(k, v.getValue()));
    rows.storeAll(plain);
  }

  @Override
  public void delete(String key) {
    rows.delete(key);
  }

  @Override
  public void deleteAll(Collection<String> keys) {
    rows.deleteAll(keys);
  }
}
