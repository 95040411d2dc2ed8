package dev.gale.scheduler.store;

import com.hazelcast.map.MapStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hazelcast {@link MapStore} of one persisted map: writes go to its table through {@link
 * JdbcStore}, misses are read through, and {@link #loadAllKeys} says what a start loads — every
 * row, or for tasks the unfinished ones and those finished within {@link
 * StoreOptions#finishedInMemory}. The task map is given to Hazelcast through {@link
 * TaskEntryStore}, which adds the time a loaded finished task leaves memory again.
 *
 * <p>Called by Hazelcast on its store and loader threads, never on a partition thread (map stores
 * are offloaded). A failed write throws; Hazelcast keeps the entries queued and retries them (see
 * {@code package-info}).
 *
 * @param <V> the map's value type
 */
public final class JdbcMapStore<V> implements MapStore<String, V> {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcMapStore.class);

  private final JdbcStore db;
  private final StoredMap map;
  private final RecordCodec<V> codec;
  private final TaskCodec<V> taskCodec;
  private volatile boolean keysLoadedHere;

  /**
   * A store for {@code map}. For {@link StoredMap#TASKS} the codec must be a {@link TaskCodec}.
   *
   * @throws IllegalArgumentException when the task map gets a plain codec
   */
  public JdbcMapStore(JdbcStore db, StoredMap map, RecordCodec<V> codec) {
    if (map.isTasks() && !(codec instanceof TaskCodec)) {
      throw new IllegalArgumentException("the task map needs a TaskCodec");
    }
    this.db = db;
    this.map = map;
    this.codec = codec;
    this.taskCodec = map.isTasks() ? (TaskCodec<V>) codec : null;
  }

  /** The map this store persists. */
  public StoredMap map() {
    return map;
  }

  /**
   * Whether Hazelcast asked this member for the keys to load, i.e. this member loaded the map when
   * the cluster started. At most one member of a cluster start is asked (another one only if it
   * dies while loading).
   */
  public boolean keysLoadedHere() {
    return keysLoadedHere;
  }

  @Override
  public void store(String key, V value) {
    db.upsert(map, List.of(row(key, value)));
  }

  /** One transaction: on failure nothing is written and every entry stays for the retry. */
  @Override
  public void storeAll(Map<String, V> entries) {
    List<JdbcStore.Row> rows = new ArrayList<>(entries.size());
    for (var e : entries.entrySet()) {
      rows.add(row(e.getKey(), e.getValue()));
    }
    db.upsert(map, rows);
  }

  private JdbcStore.Row row(String key, V value) {
    byte[] body = codec.encode(value);
    if (taskCodec == null) {
      return new JdbcStore.Row(key, body, null, 0);
    }
    return new JdbcStore.Row(
        key,
        body,
        taskCodec.state(value).wireName(),
        taskCodec.finishedAt(value),
        taskCodec.tenant(value),
        taskCodec.functionId(value),
        taskCodec.createdAt(value));
  }

  @Override
  public void delete(String key) {
    db.delete(map, List.of(key));
  }

  @Override
  public void deleteAll(Collection<String> keys) {
    db.delete(map, keys);
  }

  /**
   * The stored value, or null when there is none.
   *
   * @throws StoreException when the database fails or the row cannot be decoded
   */
  @Override
  public V load(String key) {
    byte[] body = db.read(map, key);
    return body == null ? null : codec.decode(body);
  }

  /**
   * Stored values of these keys, as {@link RecordCodec#afterRestart} has them (Hazelcast calls this
   * for the initial load of a cluster start). A row that cannot be decoded is left out and logged.
   */
  @Override
  public Map<String, V> loadAll(Collection<String> keys) {
    Map<String, byte[]> rows = db.readAll(map, keys);
    Map<String, V> out = new HashMap<>(rows.size() * 2);
    for (var e : rows.entrySet()) {
      try {
        out.put(e.getKey(), codec.afterRestart(codec.decode(e.getValue())));
      } catch (RuntimeException ex) {
        LOG.error(
            "store: row {} of {} cannot be read and is left out: {}",
            e.getKey(),
            map.table(),
            ex.getMessage());
      }
    }
    return out;
  }

  @Override
  public Iterable<String> loadAllKeys() {
    keysLoadedHere = true;
    List<String> keys;
    if (map.isTasks()) {
      StoreOptions o = db.options();
      long since = System.currentTimeMillis() - o.finishedInMemory().toMillis();
      keys = db.taskKeysToLoad(since, o.maxFinishedTasksLoaded());
    } else {
      keys = db.keys(map);
    }
    LOG.info("store: loading {} entries of {}", keys.size(), map.mapName());
    return keys;
  }
}
