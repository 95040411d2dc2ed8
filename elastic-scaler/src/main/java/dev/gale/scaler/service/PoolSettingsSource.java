package dev.gale.scaler.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Where a {@link ScalerService} reads the configured pools: the assembly implements it over the
 * scheduler's pool settings ({@code PUT /v1/pools/{name}} writes them).
 *
 * <p><b>Contract.</b> Thread-safe; called on the service's control thread every poll interval; may
 * block briefly (a cluster call). Never returns null.
 */
@FunctionalInterface
public interface PoolSettingsSource {

  /**
   * Every configured pool's JSON, by name.
   *
   * @throws RuntimeException when they cannot be read; the service then keeps its loops as they are
   *     until the next poll
   */
  Map<String, JsonNode> pools();
}
