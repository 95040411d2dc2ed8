package dev.gale.scaler.service;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * Cluster-wide leases with fencing tokens, so that exactly one scaler runs each pool's loop. The
 * assembly implements it over the scheduler's leases.
 *
 * <p><b>Contract.</b> Thread-safe; may block briefly (a cluster call). Each new holder of a name
 * gets a larger fence than every holder before it; the holder that renews in time keeps its fence.
 */
public interface LeaseSource {

  /**
   * Takes the lease {@code name} for {@code holder} for {@code ttl}, or renews it when {@code
   * holder} already holds it.
   *
   * @return the fence, or empty when another holder's lease has not lapsed
   * @throws RuntimeException when the cluster cannot be asked; the caller treats it as not held
   */
  OptionalLong tryLease(String name, String holder, Duration ttl);

  /**
   * Gives the lease up early (so that another scaler takes over at once) if {@code holder} still
   * holds it with {@code fence}; otherwise does nothing.
   */
  void release(String name, String holder, long fence);
}
