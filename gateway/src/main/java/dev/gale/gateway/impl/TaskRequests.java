package dev.gale.gateway.impl;

import static dev.gale.gateway.impl.Fields.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.PayloadTooLargeException;
import dev.gale.api.Role;
import dev.gale.api.TaskState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Validation of the task-shaped request bodies: invocations, batches, multi-waits, listings, token
 * and pool requests. Pure functions of the body and the limits.
 */
final class TaskRequests {
  /** Default page size of {@code GET /v1/tasks}. */
  static final int DEFAULT_LIMIT = 100;

  static final int MAX_LIMIT = 1000;
  static final int MAX_REF = 200;
  static final int MAX_ID = 200;

  private TaskRequests() {}

  /**
   * {@code POST /v1/functions/{id}/invoke}.
   *
   * @param args the args object as JSON text
   * @param pool the pool to run in instead of the function's, or null
   * @param priority the priority, or null for 0
   * @param waitSeconds how long to wait for the end, already capped
   */
  public record Invoke(String args, String pool, Integer priority, double waitSeconds) {}

  /**
   * One entry of {@code POST /v1/tasks}.
   *
   * @param ref the entry's name within the batch, or null
   * @param function the function id
   * @param args the args object as JSON text, untouched
   * @param pool the pool, or null
   * @param priority the priority, or null
   */
  public record Entry(String ref, String function, String args, String pool, Integer priority) {}

  /** {@code POST /v1/tasks/wait}. */
  public record Wait(List<String> ids, double waitSeconds) {}

  /** {@code POST /v1/tokens}. */
  public record TokenRequest(String tenant, Role role, String pool) {}

  /**
   * Parses an invocation; an empty body means {@code {}}.
   *
   * @param body the request body's bytes (empty when there is none)
   * @throws InvalidRequestException naming the field
   * @throws PayloadTooLargeException when args exceed {@code maxArgsBytes}
   */
  public static Invoke invoke(byte[] body, int maxArgsBytes, int maxWaitSeconds) {
    BodyValue v = BodyValue.read(body, 1);
    if (v == null) {
      return new Invoke("{}", null, null, 0);
    }
    BodyValue o = Fields.object(v, "body");
    String args = Fields.args(o, "", maxArgsBytes);
    String pool = pool(o, "");
    Integer priority = priority(o, "");
    Double wait = Fields.optionalSeconds(o, "wait", "");
    return new Invoke(args, pool, priority, cap(wait, maxWaitSeconds));
  }

  /**
   * Parses a whole batch; one bad entry rejects the batch.
   *
   * @param body the request body's bytes
   * @throws InvalidRequestException naming the entry's field, e.g. {@code tasks[3].args}
   */
  public static List<Entry> batch(byte[] body, int maxArgsBytes, int maxBatchSize) {
    BodyValue o = Fields.object(BodyValue.read(body, 3), "body");
    BodyValue tasks = o.get("tasks");
    if (BodyValue.absent(tasks) || !tasks.isArray()) {
      throw invalid("tasks", "tasks must be an array of task objects");
    }
    List<BodyValue> items = tasks.items();
    if (items.isEmpty()) {
      throw invalid("tasks", "tasks must not be empty");
    }
    if (items.size() > maxBatchSize) {
      throw invalid(
          "tasks",
          "tasks has " + items.size() + " entries; at most " + maxBatchSize + " per request");
    }
    List<Entry> out = new ArrayList<>(items.size());
    Set<String> refs = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      String prefix = "tasks[" + i + "]";
      BodyValue t = items.get(i);
      if (!t.isObject()) {
        throw invalid(prefix, prefix + " must be an object");
      }
      String ref = Fields.optionalString(t, "ref", prefix);
      if (ref != null) {
        if (ref.isEmpty() || ref.length() > MAX_REF) {
          throw invalid(prefix + ".ref", prefix + ".ref must be 1-" + MAX_REF + " characters");
        }
        if (!refs.add(ref)) {
          throw invalid(prefix + ".ref", prefix + ".ref '" + ref + "' is used twice in the batch");
        }
      }
      String function = Fields.requiredString(t, "function", prefix);
      if (function.isEmpty() || function.length() > MAX_ID) {
        throw invalid(prefix + ".function", prefix + ".function must be a function id");
      }
      String args = Fields.args(t, prefix, maxArgsBytes);
      out.add(new Entry(ref, function, args, pool(t, prefix), priority(t, prefix)));
    }
    return out;
  }

  /** Parses {@code {ids, wait}} from the request body's bytes. */
  public static Wait waitFor(byte[] body, int maxBatchSize, int maxWaitSeconds) {
    BodyValue o = Fields.object(BodyValue.read(body, 2), "body");
    BodyValue ids = o.get("ids");
    if (BodyValue.absent(ids) || !ids.isArray() || ids.items().isEmpty()) {
      throw invalid("ids", "ids must be a non-empty array of task ids");
    }
    List<BodyValue> items = ids.items();
    if (items.size() > maxBatchSize) {
      throw invalid("ids", "ids has " + items.size() + " entries; at most " + maxBatchSize);
    }
    List<String> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      BodyValue n = items.get(i);
      if (!n.isTextual() || n.textValue().isEmpty() || n.textValue().length() > MAX_ID) {
        throw invalid("ids[" + i + "]", "ids[" + i + "] must be a task id");
      }
      out.add(n.textValue());
    }
    Double wait = Fields.optionalSeconds(o, "wait", "");
    return new Wait(out, cap(wait, maxWaitSeconds));
  }

  /** The {@code wait} query parameter of {@code GET /v1/tasks/{id}}, capped. */
  public static double waitParam(String raw, int maxWaitSeconds) {
    if (raw == null || raw.isEmpty()) {
      return 0;
    }
    double v;
    try {
      v = Double.parseDouble(raw);
    } catch (NumberFormatException e) {
      throw invalid("wait", "wait must be a non-negative number of seconds");
    }
    if (!Double.isFinite(v) || v < 0) {
      throw invalid("wait", "wait must be a non-negative number of seconds");
    }
    return Math.min(v, maxWaitSeconds);
  }

  /** The {@code state} query parameter, or null. */
  public static TaskState stateParam(String raw) {
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    try {
      return TaskState.fromWire(raw);
    } catch (InvalidRequestException e) {
      throw invalid("state", e.getMessage());
    }
  }

  /** The {@code limit} query parameter: 1..1000, default 100. */
  public static int limitParam(String raw) {
    if (raw == null || raw.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int v = Integer.parseInt(raw);
      if (v >= 1 && v <= MAX_LIMIT) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid("limit", "limit must be an integer between 1 and " + MAX_LIMIT);
  }

  /** Parses {@code {tenant, role, pool?}}; the tenant and pool syntax are checked when minting. */
  public static TokenRequest token(JsonNode body) {
    ObjectNode o = Fields.object(body, "body");
    String tenant = Fields.requiredString(o, "tenant", "");
    String role = Fields.requiredString(o, "role", "");
    Role r;
    try {
      r = Role.fromWire(role);
    } catch (InvalidRequestException e) {
      throw invalid("role", "role must be one of user, worker, admin");
    }
    return new TokenRequest(tenant, r, Fields.optionalString(o, "pool", ""));
  }

  /**
   * Checks the generic fields of a pool's settings ({@code PUT /v1/pools/{name}}): known fields
   * only, types and ranges, {@code minBlocks <= maxBlocks}, {@code initBlocks <= maxBlocks}.
   * Whether the provider exists and takes the options is for a {@link
   * dev.gale.gateway.spi.PoolValidator}. {@code owner} is refused: only the service sets it.
   *
   * @return a copy of the settings
   */
  public static ObjectNode poolSettings(JsonNode body) {
    ObjectNode o = Fields.object(body, "body");
    for (java.util.Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (f.equals("owner")) {
        throw invalid("owner", "owner is set by the service (gale up owns its default pool)");
      }
      if (!POOL_FIELDS.contains(f)) {
        throw invalid(
            f,
            "unknown field "
                + f
                + " (known: "
                + String.join(", ", new java.util.TreeSet<>(POOL_FIELDS))
                + ")");
      }
    }
    String provider = Fields.requiredString(o, "provider", "");
    if (!PROVIDER.matcher(provider).matches()) {
      throw invalid("provider", "provider must be a provider key such as local or slurm");
    }
    Integer min = Fields.optionalInt(o, "minBlocks", "", 0, 100_000);
    Integer max = Fields.optionalInt(o, "maxBlocks", "", 0, 100_000);
    Integer init = Fields.optionalInt(o, "initBlocks", "", 0, 100_000);
    Fields.optionalInt(o, "nodesPerBlock", "", 1, 100_000);
    Fields.optionalInt(o, "slotsPerNode", "", 1, 100_000);
    Fields.optionalInt(o, "maxIdleSeconds", "", 0, 31_536_000);
    Fields.optionalInt(o, "drainSeconds", "", 0, 31_536_000);
    Fields.optionalInt(o, "startBackoffSeconds", "", 1, 31_536_000);
    Fields.optionalInt(o, "maxStartBackoffSeconds", "", 1, 31_536_000);
    Fields.optionalInt(o, "unhealthyAfterFailures", "", 1, 100_000);
    Fields.optionalInt(o, "stableAfterSeconds", "", 0, 31_536_000);
    if (min != null && max != null && min > max) {
      throw invalid("minBlocks", "minBlocks must not exceed maxBlocks");
    }
    if (init != null && max != null && init > max) {
      throw invalid("initBlocks", "initBlocks must not exceed maxBlocks");
    }
    JsonNode par = o.get("parallelism");
    if (!Fields.absent(par)
        && (!par.isNumber() || par.doubleValue() < 0 || par.doubleValue() > 1)) {
      throw invalid("parallelism", "parallelism must be a number between 0 and 1");
    }
    Fields.optionalObject(o, "options", "");
    return o.deepCopy();
  }

  /** The fields of a pool's settings a request may set. */
  static final java.util.Set<String> POOL_FIELDS = dev.gale.api.PoolInfo.SETTINGS_FIELDS;

  private static final java.util.regex.Pattern PROVIDER =
      java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

  /** Checks a pool name from a path or body. */
  public static String poolName(String name, String field) {
    if (name == null || !FunctionRequests.POOL.matcher(name).matches()) {
      throw invalid(field, FunctionRequests.poolMessage(field));
    }
    return name;
  }

  private static String pool(BodyValue o, String prefix) {
    String field = Fields.path(prefix, "pool");
    String pool = Fields.optionalString(o, "pool", prefix);
    return pool == null ? null : poolName(pool, field);
  }

  private static Integer priority(BodyValue o, String prefix) {
    BodyValue n = o.get("priority");
    if (BodyValue.absent(n)) {
      return null;
    }
    String field = Fields.path(prefix, "priority");
    if (!n.isInt()) {
      throw invalid(field, field + " must be an integer (32-bit)");
    }
    return n.intValue();
  }

  private static double cap(Double wait, int maxWaitSeconds) {
    return wait == null ? 0 : Math.min(wait, maxWaitSeconds);
  }
}
