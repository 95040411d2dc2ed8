package dev.gale.gateway.impl;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Scheduler#queueDepths()}. A pool is known when any of the three mentions it.
 */
final class PoolViews {
  private PoolViews() {}

  /**
   * The pools by name, or only the one named {@code only} (empty when unknown). Blocks: three
   * scheduler reads.
   */
  static List<PoolInfo> read(Scheduler scheduler, String only) {
    Map<String, JsonNode> settings = scheduler.pools();
    Map<String, Long> depths = scheduler.queueDepths();
    Map<String, long[]> load = new HashMap<>();
    for (WorkerInfo w : scheduler.workers()) {
      long[] a = load.computeIfAbsent(w.pool(), k -> new long[3]);
      a[0]++;
      a[1] += w.slots();
      a[2] += w.running();
    }
    TreeSet<String> names = new TreeSet<>();
    names.addAll(settings.keySet());
    names.addAll(depths.keySet());
    names.addAll(load.keySet());
    List<PoolInfo> out = new ArrayList<>();
    for (String name : names) {
      if (only != null && !only.equals(name)) {
        continue;
      }
      JsonNode s = settings.get(name);
      long[] a = load.getOrDefault(name, new long[3]);
      String provider =
          s != null && s.path("provider").isTextual() ? s.get("provider").textValue() : null;
      out.add(
          new PoolInfo(
              name, provider, s, (int) a[0], (int) a[1], depths.getOrDefault(name, 0L), a[2]));
    }
    return out;
  }
}
