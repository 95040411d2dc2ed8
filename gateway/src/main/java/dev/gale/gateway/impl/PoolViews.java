package dev.gale.gateway.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import dev.gale.api.PoolInfo;
import dev.gale.api.WorkerInfo;
import dev.gale.scheduler.Scheduler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Pools as {@code GET /v1/pools} shows them: settings from {@link Scheduler#pools()}, workers,
 * slots and running tasks summed from {@link Scheduler#workers()}, queued from {@link
 * Scheduler#queueDepths()}, and under {@code scaler} what the pool's scaler last published ({@link
 * Scheduler#poolStatuses()}: blocks, last decision, health, metrics). A pool is known when it has
 * settings, a status, workers or queued tasks (a deleted pool stays visible while its scaler stops
 * its blocks).
 */
final class PoolViews {
  /** Status fields shown in the list of pools; one pool shows all but {@code spec}. */
  private static final List<String> SUMMARY =
      List.of("holder", "at", "healthy", "reason", "queued", "running", "target");

  private PoolViews() {}

  /**
   * The pools by name, or only the one named {@code only} (empty when unknown), with the scaler's
   * full status ({@code full}) or a summary. Blocks: four scheduler reads.
   */
  static List<ObjectNode> read(Scheduler scheduler, String only, boolean full) {
    Map<String, JsonNode> settings = scheduler.pools();
    Map<String, Long> depths = scheduler.queueDepths();
    Map<String, JsonNode> statuses = scheduler.poolStatuses();
    Map<String, long[]> load = new HashMap<>();
    for (WorkerInfo w : scheduler.workers()) {
      long[] a = load.computeIfAbsent(w.pool(), k -> new long[3]);
      a[0]++;
      a[1] += w.slots();
      a[2] += w.running();
    }
    TreeSet<String> names = new TreeSet<>();
    names.addAll(settings.keySet());
    // a queue outlives its pool: an empty one alone does not make a pool (a deleted one stays gone)
    depths.forEach(
        (name, d) -> {
          if (d > 0) {
            names.add(name);
          }
        });
    names.addAll(load.keySet());
    names.addAll(statuses.keySet());
    List<ObjectNode> out = new ArrayList<>();
    for (String name : names) {
      if (only != null && !only.equals(name)) {
        continue;
      }
      JsonNode s = settings.get(name);
      long[] a = load.getOrDefault(name, new long[3]);
      String provider =
          s != null && s.path("provider").isTextual() ? s.get("provider").textValue() : null;
      ObjectNode o =
          Json.mapper()
              .valueToTree(
                  new PoolInfo(
                      name,
                      provider,
                      s,
                      (int) a[0],
                      (int) a[1],
                      depths.getOrDefault(name, 0L),
                      a[2]));
      JsonNode status = statuses.get(name);
      if (s == null && status != null) {
        o.put("deleting", true);
      }
      if (status != null) {
        o.set("scaler", full ? detail(status) : summary(status));
      }
      out.add(o);
    }
    return out;
  }

  private static ObjectNode detail(JsonNode status) {
    ObjectNode o = status.deepCopy();
    o.remove("spec");
    o.remove("pool");
    return o;
  }

  private static ObjectNode summary(JsonNode status) {
    ObjectNode o = Json.object();
    for (String f : SUMMARY) {
      if (status.has(f)) {
        o.set(f, status.get(f));
      }
    }
    o.set("blocks", status.at("/metrics/blocks"));
    if (status.has("lastAction")) {
      o.set("lastAction", status.at("/lastAction/reason"));
    }
    return o;
  }
}
