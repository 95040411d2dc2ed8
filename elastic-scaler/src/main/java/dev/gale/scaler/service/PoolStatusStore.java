package dev.gale.scaler.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;

/**
 * The shared map where the scaler of each pool publishes its status: what {@code GET
 * /v1/pools/{name}} shows, and the pool's blocks (id, job id, state, since) for the scaler that
 * takes over after it. The assembly implements it over a scheduler map; the gateway reads the same
 * map.
 *
 * <p><b>Contract.</b> Thread-safe; may block briefly. Writes are fenced: a status is stored only if
 * no status with a larger fence is (a scaler that lost its lease cannot overwrite its successor).
 */
public interface PoolStatusStore {

  /**
   * Stores a pool's status, written under the lease with {@code fence}.
   *
   * @return false when a status with a larger fence is stored: another scaler has taken over
   */
  boolean publish(String pool, long fence, JsonNode status);

  /** A pool's status, if one was published. */
  Optional<JsonNode> read(String pool);

  /** Every published status, by pool. */
  Map<String, JsonNode> all();

  /** Removes a pool's status if it was written with {@code fence} or a smaller one. */
  void remove(String pool, long fence);
}
