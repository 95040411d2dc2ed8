package dev.gale.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;

/**
 * A pool (site), as {@code GET /v1/pools/{name}} shows it.
 *
 * @param name pool name
 * @param provider provider key ({@code local}, {@code slurm}, …)
 * @param settings the pool's scaling settings and provider options as configured
 * @param workers connected workers
 * @param slots total slots of connected workers
 * @param queued tasks waiting in its ready queue
 * @param running tasks dispatched and not finished
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PoolInfo(
    String name,
    String provider,
    JsonNode settings,
    int workers,
    int slots,
    long queued,
    long running)
    implements Serializable {

  /**
   * The fields of a pool's settings ({@code PUT /v1/pools/{name}}): the provider, the scaling
   * settings and the provider's {@code options}. The gateway refuses others; the elastic scaler
   * reads them (plus {@code owner}, which only the service sets).
   */
  public static final java.util.Set<String> SETTINGS_FIELDS =
      java.util.Set.of(
          "provider",
          "minBlocks",
          "maxBlocks",
          "initBlocks",
          "nodesPerBlock",
          "slotsPerNode",
          "parallelism",
          "maxIdleSeconds",
          "drainSeconds",
          "startBackoffSeconds",
          "maxStartBackoffSeconds",
          "unhealthyAfterFailures",
          "stableAfterSeconds",
          "options");
}
