package dev.gale.scaler.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.scaler.ProviderRegistry;
import dev.gale.scaler.spi.ProviderFactory;
import dev.gale.scaler.strategy.PoolSettings;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One pool's settings as {@code PUT /v1/pools/{name}} takes them, read and validated: the provider
 * key, the scaling {@link PoolSettings} and the provider's options.
 *
 * <p>The JSON fields are {@code provider} (required), {@code minBlocks}, {@code maxBlocks}, {@code
 * initBlocks}, {@code nodesPerBlock}, {@code slotsPerNode}, {@code parallelism}, {@code
 * maxIdleSeconds}, {@code drainSeconds}, the tuning fields {@code startBackoffSeconds}, {@code
 * maxStartBackoffSeconds}, {@code unhealthyAfterFailures}, {@code stableAfterSeconds}, {@code
 * options} (an object), and {@code owner}, which only the service sets. Absent fields take the
 * defaults of {@link PoolSettings.Builder}, except that {@code maxBlocks} defaults to at least
 * {@code minBlocks} and {@code initBlocks} to at most {@code maxBlocks}. A block's walltime comes
 * from the provider ({@link ProviderFactory#blockWalltime}: {@code options.walltime} of a batch
 * pool), so that blocks are drained {@code drainSeconds} before their batch limit.
 *
 * <p>Options in {@link #ASSEMBLY_OPTIONS} ({@code galeCommand}, {@code transfer}) are read by the
 * assembly that builds the node-agent command, never passed to the provider.
 *
 * @param name the pool's name
 * @param provider the provider key
 * @param settings the scaling settings
 * @param options the {@code options} object as given (assembly options included); never null
 * @param owner who owns the pool ({@code "gale up"} for its default pool), or null
 * @param source the JSON it was read from
 */
public record PoolSpec(
    String name,
    String provider,
    PoolSettings settings,
    ObjectNode options,
    String owner,
    JsonNode source) {

  /** The top-level fields a pool's JSON may have. */
  public static final Set<String> FIELDS = withOwner();

  private static Set<String> withOwner() {
    Set<String> s = new java.util.HashSet<>(dev.gale.api.PoolInfo.SETTINGS_FIELDS);
    s.add("owner");
    return Set.copyOf(s);
  }

  /** Options the assembly reads; the provider never sees them. */
  public static final Set<String> ASSEMBLY_OPTIONS = Set.of("galeCommand", "transfer");

  private static final int MAX_COUNT = 100_000;
  private static final long MAX_SECONDS = 31_536_000;

  /** Checks nulls; copies the options. */
  public PoolSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(settings, "settings");
    options = options == null ? Json.object() : options.deepCopy();
    Objects.requireNonNull(source, "source");
  }

  /**
   * Reads and validates a pool's JSON. Does no I/O.
   *
   * @param registry the providers this scaler knows; an unknown key is refused listing them
   * @throws InvalidRequestException naming the field ({@code details.field}), for unknown fields
   *     too, and with code {@code unknown_provider} for a provider the registry lacks
   */
  public static PoolSpec parse(String name, JsonNode json, ProviderRegistry registry) {
    if (json == null || !json.isObject()) {
      throw invalid("body", "a pool's settings must be a JSON object");
    }
    for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw invalid(
            f, "unknown field " + f + " (known: " + String.join(", ", new TreeSet<>(FIELDS)) + ")");
      }
    }
    JsonNode p = json.get("provider");
    if (p == null || !p.isTextual() || p.textValue().isBlank()) {
      throw invalid("provider", "provider is required: a provider key such as local or slurm");
    }
    ProviderFactory factory = registry.factory(p.textValue());
    JsonNode o = json.get("options");
    if (o != null && !o.isNull() && !o.isObject()) {
      throw invalid("options", "options must be an object");
    }
    ObjectNode options = o == null || o.isNull() ? Json.object() : (ObjectNode) o;
    JsonNode ow = json.get("owner");
    if (ow != null && !ow.isNull() && !ow.isTextual()) {
      throw invalid("owner", "owner must be a string");
    }

    PoolSettings.Builder b = PoolSettings.builder();
    PoolSettings d = PoolSettings.defaults();
    Integer min = integer(json, "minBlocks", 0, MAX_COUNT);
    Integer max = integer(json, "maxBlocks", 0, MAX_COUNT);
    Integer init = integer(json, "initBlocks", 0, MAX_COUNT);
    int minV = min == null ? d.minBlocks() : min;
    int maxV = max == null ? Math.max(d.maxBlocks(), minV) : max;
    b.minBlocks(minV)
        .maxBlocks(maxV)
        .initBlocks(init == null ? Math.min(d.initBlocks(), maxV) : init);
    Integer nodes = integer(json, "nodesPerBlock", 1, MAX_COUNT);
    if (nodes != null) {
      b.nodesPerBlock(nodes);
    }
    Integer slots = integer(json, "slotsPerNode", 1, MAX_COUNT);
    if (slots != null) {
      b.slotsPerNode(slots);
    }
    JsonNode par = json.get("parallelism");
    if (par != null && !par.isNull()) {
      if (!par.isNumber() || !(par.doubleValue() >= 0 && par.doubleValue() <= 1)) {
        throw invalid("parallelism", "parallelism must be a number between 0 and 1");
      }
      b.parallelism(par.doubleValue());
    }
    Integer idle = integer(json, "maxIdleSeconds", 0, MAX_SECONDS);
    if (idle != null) {
      b.maxIdleSeconds(idle);
    }
    Integer drain = integer(json, "drainSeconds", 0, MAX_SECONDS);
    if (drain != null) {
      b.drainSeconds(drain);
    }
    Integer backoff = integer(json, "startBackoffSeconds", 1, MAX_SECONDS);
    if (backoff != null) {
      b.startBackoff(Duration.ofSeconds(backoff));
    }
    Integer maxBackoff = integer(json, "maxStartBackoffSeconds", 1, MAX_SECONDS);
    if (maxBackoff != null) {
      b.maxStartBackoff(Duration.ofSeconds(maxBackoff));
    } else if (backoff != null && backoff > d.maxStartBackoff().getSeconds()) {
      b.maxStartBackoff(Duration.ofSeconds(backoff));
    }
    Integer unhealthy = integer(json, "unhealthyAfterFailures", 1, MAX_COUNT);
    if (unhealthy != null) {
      b.unhealthyAfterFailures(unhealthy);
    }
    Integer stable = integer(json, "stableAfterSeconds", 0, MAX_SECONDS);
    if (stable != null) {
      b.stableAfter(Duration.ofSeconds(stable));
    }
    b.walltime(factory.blockWalltime(withoutAssemblyOptions(options)).orElse(null));
    PoolSettings settings;
    try {
      settings = b.build();
    } catch (IllegalArgumentException e) {
      throw invalid(fieldOf(e.getMessage()), e.getMessage());
    }
    return new PoolSpec(
        name, factory.key(), settings, options, ow == null ? null : ow.textValue(), json);
  }

  /** The options the provider gets: {@link #options} without the {@link #ASSEMBLY_OPTIONS}. */
  public ObjectNode providerOptions() {
    return withoutAssemblyOptions(options);
  }

  /** An object option for the assembly ({@code transfer}), or null when absent. */
  public ObjectNode assemblyObject(String name) {
    JsonNode n = options.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw invalid("options." + name, "options." + name + " must be an object");
    }
    return (ObjectNode) n;
  }

  /** A text option for the assembly ({@code galeCommand}), or null when absent. */
  public String assemblyOption(String name) {
    JsonNode n = options.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual() || n.textValue().isBlank()) {
      throw invalid("options." + name, "options." + name + " must be a non-empty string");
    }
    return n.textValue();
  }

  /**
   * What the pool's provider instance depends on: provider key, options, and whether blocks have
   * several nodes (the node-agent command differs). Blocks started under one shape may be adopted
   * by a provider of another shape with the same key; a new key means new blocks.
   */
  public String shape() {
    return provider + "|" + options + "|" + (settings.nodesPerBlock() > 1 ? "multi" : "single");
  }

  private static ObjectNode withoutAssemblyOptions(ObjectNode options) {
    ObjectNode o = options.deepCopy();
    o.remove(List.copyOf(ASSEMBLY_OPTIONS));
    return o;
  }

  private static Integer integer(JsonNode json, String field, long min, long max) {
    JsonNode n = json.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isIntegralNumber()
        || !n.canConvertToLong()
        || n.longValue() < min
        || n.longValue() > max) {
      throw invalid(field, field + " must be an integer between " + min + " and " + max);
    }
    return (int) n.longValue();
  }

  private static String fieldOf(String message) {
    String first = message == null ? "" : message.split("[ (]", 2)[0];
    return FIELDS.contains(first) || first.equals("walltime") ? first : "body";
  }

  static InvalidRequestException invalid(String field, String message) {
    return new InvalidRequestException(
        "invalid_request", message, Json.object().put("field", field));
  }
}
