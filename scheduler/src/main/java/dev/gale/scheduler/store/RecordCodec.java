package dev.gale.scheduler.store;

/**
 * Turns the values of one map into bytes for a database row and back. Implementations are stateless
 * and thread-safe; they are called on Hazelcast's store threads.
 *
 * @param <V> the map's value type
 */
public interface RecordCodec<V> {

  /**
   * The bytes to store for a value. The value may be changed by another thread while this runs
   * (task records are mutated in place by entry processors); a torn read is overwritten by the next
   * write of the same key, which such a change always schedules.
   */
  byte[] encode(V value);

  /**
   * The value stored as these bytes.
   *
   * @throws StoreException when the bytes are not a value of this codec
   */
  V decode(byte[] bytes);

  /**
   * The value as a cluster start loads it from the database ({@code loadAll}), where a codec may
   * settle what cannot have outlived the stop. The result must depend only on the value, so that
   * loading the same row again gives the same value. Default: the value unchanged.
   */
  default V afterRestart(V value) {
    return value;
  }
}
