package dev.gale.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.GaleException;
import dev.gale.api.Json;
import dev.gale.gateway.spi.PoolValidator;
import dev.gale.scheduler.Scheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A scaler's pools file, {@code {"pools": {"NAME": {PUT /v1/pools/NAME body}, ...}}} (the Helm
 * chart renders one from its values): read and checked as a whole, then each pool is created unless
 * it already exists. Pools changed later through the API keep their settings across restarts.
 */
final class PoolsFile {
  private static final Pattern POOL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  private PoolsFile() {}

  /**
   * Reads and checks every pool of the file.
   *
   * @throws RoleFailure {@code invalid_pools_file} naming the file, the pool and the problem
   */
  static Map<String, JsonNode> read(Path file, PoolValidator validator) {
    JsonNode root;
    try {
      root = Json.readTree(Files.readString(file));
    } catch (IOException e) {
      throw fail(file, "cannot read it: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw fail(file, "not JSON: " + e.getMessage(), e);
    }
    JsonNode pools = root == null ? null : root.get("pools");
    if (pools == null || !pools.isObject()) {
      throw fail(file, "expected {\"pools\": {\"NAME\": {settings}, ...}}", null);
    }
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = pools.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      if (!POOL.matcher(name).matches()) {
        throw fail(file, "pool name '" + name + "' must be 1-100 of [A-Za-z0-9._-]", null);
      }
      if (e.getValue().has("owner")) {
        throw fail(file, "pool " + name + ": owner is set by the service", null);
      }
      try {
        validator.validate(name, e.getValue());
      } catch (GaleException ex) {
        throw fail(file, "pool " + name + ": " + ex.getMessage(), ex);
      }
      out.put(name, e.getValue());
    }
    return out;
  }

  /**
   * Creates the pools that do not exist yet.
   *
   * @return the names of the pools created
   */
  static List<String> apply(Scheduler scheduler, Map<String, JsonNode> pools) {
    Map<String, JsonNode> existing = scheduler.pools();
    List<String> created = new ArrayList<>();
    pools.forEach(
        (name, settings) -> {
          if (!existing.containsKey(name)) {
            scheduler.putPool(name, settings);
            created.add(name);
          }
        });
    return created;
  }

  private static RoleFailure fail(Path file, String message, Throwable cause) {
    return new RoleFailure("invalid_pools_file", "pools file " + file + ": " + message, cause);
  }
}
