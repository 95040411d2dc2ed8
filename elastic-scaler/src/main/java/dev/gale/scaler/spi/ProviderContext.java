package dev.gale.scaler.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import dev.gale.scaler.BlockCommand;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a provider is created with.
 *
 * @param pool the pool its blocks serve
 * @param options the pool's provider-specific {@code options} object (never null; may be empty)
 * @param command what each block runs on each node (the node agent), supplied by the assembly
 * @param workDir a directory the provider may use for logs and scripts; created on first use
 */
public record ProviderContext(String pool, JsonNode options, BlockCommand command, Path workDir) {
  public ProviderContext {
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(workDir, "workDir");
    if (options == null || options.isNull() || options.isMissingNode()) {
      options = Json.object();
    }
  }
}
