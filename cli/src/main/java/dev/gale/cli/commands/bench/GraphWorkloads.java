package dev.gale.cli.commands.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Request bodies of the graph workloads for {@code POST /v1/tasks}, built with the batch API's
 * references: {@code {"$ref": ref}} to an entry of the same batch, {@code {"$task": id}} to a task
 * of an earlier batch (a graph larger than one batch spans several requests).
 *
 * <pre>
 *  chain:   c0 ─▶ c1 ─▶ c2 ─▶ … ─▶ c(n-1)          each waits for the previous one
 *  fanout:  root ─▶ m0 … m(n-1) ─▶ sink           1 → n → 1, the sink gets every m's result
 * </pre>
 *
 * Pure: no I/O; the runner submits the bodies in order and passes the ids it got back.
 */
public final class GraphWorkloads {
  /** A half-open range {@code [from, to)} of a workload's tasks that goes in one request. */
  public record Slice(int from, int to) {
    public int size() {
      return to - from;
    }
  }

  private GraphWorkloads() {}

  /** Consecutive slices of at most {@code maxBatch} tasks covering {@code [0, n)}. */
  public static List<Slice> chainSlices(int n, int maxBatch) {
    check(n, maxBatch, 1);
    List<Slice> out = new ArrayList<>();
    for (int from = 0; from < n; from += maxBatch) {
      out.add(new Slice(from, Math.min(n, from + maxBatch)));
    }
    return out;
  }

  /**
   * Entries {@code from..to-1} of a chain, with refs {@code c<i>}: entry {@code i} gets the result
   * of entry {@code i-1} as argument {@code prev}; the first entry of the slice depends on the task
   * {@code upstreamId} of the previous request, or on nothing when it is null.
   *
   * @param args arguments every entry also gets (copied)
   */
  public static ObjectNode chainBatch(
      String function, ObjectNode args, Slice slice, String upstreamId) {
    ObjectNode body = Json.object();
    ArrayNode tasks = body.putArray("tasks");
    for (int i = slice.from(); i < slice.to(); i++) {
      ObjectNode a = args.deepCopy().put("i", i);
      if (i > slice.from()) {
        a.set("prev", ref("c" + (i - 1)));
      } else if (upstreamId != null) {
        a.set("prev", task(upstreamId));
      }
      tasks.add(entry("c" + i, function, a));
    }
    return body;
  }

  /**
   * Slices of the {@code width} middle tasks of a fan-out, such that each request holds at most
   * {@code maxBatch} entries counting the root (in the first request) and the sink (in the last;
   * which has no middle task when the one before was full).
   *
   * @throws IllegalArgumentException when {@code maxBatch < 2}
   */
  public static List<Slice> fanoutSlices(int width, int maxBatch) {
    check(width, maxBatch, 2);
    List<Slice> out = new ArrayList<>();
    int from = 0;
    int room = maxBatch - 1; // the root
    while (from < width) {
      int to = Math.min(width, from + room);
      out.add(new Slice(from, to));
      from = to;
      room = maxBatch;
    }
    Slice last = out.get(out.size() - 1);
    int lastSize = last.size() + (out.size() == 1 ? 1 : 0);
    if (lastSize + 1 > maxBatch) {
      out.add(new Slice(width, width));
    }
    return out;
  }

  /**
   * One request of a fan-out of {@code width}: the root (ref {@code root}) when {@code rootId} is
   * null, middle tasks {@code m<i>} of the slice each depending on the root as argument {@code in},
   * and, when the slice ends at {@code width}, the sink (ref {@code sink}) whose argument {@code
   * in} lists every middle task: those of earlier requests by id, those of this one by ref.
   *
   * @param earlierMiddleIds ids of the middle tasks submitted by earlier requests, in order
   */
  public static ObjectNode fanoutBatch(
      String function,
      ObjectNode args,
      int width,
      Slice slice,
      boolean withSink,
      String rootId,
      List<String> earlierMiddleIds) {
    if (withSink && slice.to() != width) {
      throw new IllegalArgumentException(
          "the sink goes after the last middle task, but the slice ends at " + slice.to());
    }
    if (earlierMiddleIds.size() != slice.from()) {
      throw new IllegalArgumentException(
          "slice starts at " + slice.from() + " but " + earlierMiddleIds.size() + " ids are known");
    }
    ObjectNode body = Json.object();
    ArrayNode tasks = body.putArray("tasks");
    if (rootId == null) {
      tasks.add(entry("root", function, args.deepCopy().put("role", "root")));
    }
    for (int i = slice.from(); i < slice.to(); i++) {
      ObjectNode a = args.deepCopy().put("i", i);
      a.set("in", rootId == null ? ref("root") : task(rootId));
      tasks.add(entry("m" + i, function, a));
    }
    if (withSink) {
      ObjectNode a = args.deepCopy().put("role", "sink");
      ArrayNode in = a.putArray("in");
      earlierMiddleIds.forEach(id -> in.add(task(id)));
      for (int i = slice.from(); i < slice.to(); i++) {
        in.add(ref("m" + i));
      }
      tasks.add(entry("sink", function, a));
    }
    return body;
  }

  private static ObjectNode entry(String ref, String function, ObjectNode args) {
    ObjectNode e = Json.object().put("ref", ref).put("function", function);
    e.set("args", args);
    return e;
  }

  private static ObjectNode ref(String ref) {
    return Json.object().put("$ref", ref);
  }

  private static ObjectNode task(String id) {
    return Json.object().put("$task", id);
  }

  private static void check(int n, int maxBatch, int minBatch) {
    if (n < 1) {
      throw new IllegalArgumentException("a workload needs at least one task, got " + n);
    }
    if (maxBatch < minBatch) {
      throw new IllegalArgumentException(
          "a batch must hold at least " + minBatch + " tasks, got " + maxBatch);
    }
  }
}
