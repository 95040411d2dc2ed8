package dev.gale.cli.commands.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import dev.gale.api.UnavailableException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the graph workloads of {@link GraphWorkloads} against a service and measures them: the
 * client's end-to-end time, and from the tasks' own timestamps (server clock, millisecond
 * resolution) the time from an upstream task's end to its dependents' start.
 */
public final class GraphRuns {
  /** Ids per {@code POST /v1/tasks/wait} when reading the finished graph back. */
  static final int READ_CHUNK = 1000;

  private static final double POLL_SECONDS = 0.5;
  private static final int PROGRESS_SAMPLES = 64;

  /** A measured run: its figures and the tasks that did not succeed. */
  public record Result(ObjectNode figures, long failedTasks) {}

  private final BenchHttp http;
  private final String function;
  private final ObjectNode args;
  private final int batch;
  private final long timeoutNanos;

  /** What the progress line shows; updated while a run goes on. */
  final AtomicLong submitted = new AtomicLong();

  final AtomicLong finished = new AtomicLong();

  /**
   * @param function id of the function every task runs
   * @param args arguments every task gets besides its references
   * @param batch most tasks per request
   * @param timeoutSeconds how long to wait for the whole graph before failing the run
   */
  public GraphRuns(
      BenchHttp http, String function, ObjectNode args, int batch, int timeoutSeconds) {
    this.http = http;
    this.function = function;
    this.args = args;
    this.batch = batch;
    this.timeoutNanos = timeoutSeconds * 1_000_000_000L;
  }

  /** Tasks submitted so far. */
  public long submitted() {
    return submitted.get();
  }

  /** Tasks known to be finished (estimated from a sample while the graph runs). */
  public long finished() {
    return finished.get();
  }

  /**
   * A chain of {@code n} tasks, each depending on the previous one.
   *
   * <p>Figures: {@code seconds} from the first submit to the end of the last task, {@code
   * tasksPerSecond}, {@code perTaskMs} (seconds / n: what one link of the chain costs end to end),
   * and {@code edgeMs}: for each edge, the upstream's {@code finishedAt} (or the downstream's
   * {@code createdAt} when later) to the downstream's {@code startedAt} (the release overhead).
   */
  public Result chain(int n, boolean trackProgress) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    List<String> ids = new ArrayList<>(n);
    String upstream = null;
    for (GraphWorkloads.Slice s : GraphWorkloads.chainSlices(n, batch)) {
      List<String> got = http.submit(GraphWorkloads.chainBatch(function, args, s, upstream));
      ids.addAll(got);
      upstream = got.get(got.size() - 1);
      submitted.set(ids.size());
    }
    awaitTerminal(upstream, trackProgress ? sample(ids) : List.of(), n, t0);
    double seconds = (System.nanoTime() - t0) / 1e9;
    finished.set(n);
    List<JsonNode> tasks = read(ids);
    long failed = tasks.stream().filter(t -> !succeeded(t)).count();
    List<Long> edges = new ArrayList<>(n);
    for (int i = 1; i < n; i++) {
      long ready = releasableAt(millis(tasks.get(i - 1), "finishedAt"), tasks.get(i));
      long down = millis(tasks.get(i), "startedAt");
      if (ready >= 0 && down >= 0) {
        edges.add(down - ready);
      }
    }
    ObjectNode f =
        Json.object()
            .put("tasks", n)
            .put("batch", batch)
            .put("seconds", Percentiles.round(seconds))
            .put("tasksPerSecond", Math.round(n / seconds))
            .put("perTaskMs", Percentiles.round(seconds * 1000 / n))
            .put("failed", failed);
    if (!edges.isEmpty()) {
      f.set("edgeMs", Percentiles.ofMillis(toArray(edges)).toJson());
    }
    return new Result(f, failed);
  }

  /**
   * A fan-out of {@code width}: one root task, {@code width} tasks depending on it, and a sink
   * depending on all of them.
   *
   * <p>Figures: {@code seconds} end to end, {@code tasksPerSecond} over all {@code width + 2}
   * tasks, {@code fanOutTasksPerSecond} (width / time from the root's end to the last middle task's
   * end), {@code releaseMs} (the root's end to each middle task's start) and {@code fanInMs} (the
   * last middle task's end to the sink's start).
   */
  public Result fanout(int width, boolean trackProgress) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    String rootId = null;
    String sinkId = null;
    List<String> middles = new ArrayList<>(width);
    List<GraphWorkloads.Slice> slices = GraphWorkloads.fanoutSlices(width, batch);
    for (GraphWorkloads.Slice s : slices) {
      boolean last = s == slices.get(slices.size() - 1);
      List<String> got =
          http.submit(
              GraphWorkloads.fanoutBatch(
                  function, args, width, s, last, rootId, List.copyOf(middles)));
      int at = 0;
      if (rootId == null) {
        rootId = got.get(at++);
      }
      middles.addAll(got.subList(at, at + s.size()));
      if (last) {
        sinkId = got.get(got.size() - 1);
      }
      submitted.set(middles.size() + 1 + (sinkId == null ? 0 : 1));
    }
    awaitTerminal(sinkId, trackProgress ? sample(middles) : List.of(), width + 2, t0);
    double seconds = (System.nanoTime() - t0) / 1e9;
    finished.set(width + 2);
    List<String> all = new ArrayList<>(width + 2);
    all.add(rootId);
    all.addAll(middles);
    all.add(sinkId);
    List<JsonNode> tasks = read(all);
    long failed = tasks.stream().filter(t -> !succeeded(t)).count();
    long rootEnd = millis(tasks.get(0), "finishedAt");
    long sinkStart = millis(tasks.get(tasks.size() - 1), "startedAt");
    List<Long> release = new ArrayList<>(width);
    long lastMiddleEnd = -1;
    for (JsonNode m : tasks.subList(1, width + 1)) {
      long start = millis(m, "startedAt");
      long ready = releasableAt(rootEnd, m);
      if (ready >= 0 && start >= 0) {
        release.add(start - ready);
      }
      lastMiddleEnd = Math.max(lastMiddleEnd, millis(m, "finishedAt"));
    }
    ObjectNode f =
        Json.object()
            .put("width", width)
            .put("tasks", width + 2)
            .put("batch", batch)
            .put("seconds", Percentiles.round(seconds))
            .put("tasksPerSecond", Math.round((width + 2) / seconds))
            .put("failed", failed);
    if (rootEnd >= 0 && lastMiddleEnd >= 0) {
      long span = Math.max(1, lastMiddleEnd - rootEnd);
      f.put("fanOutSeconds", span / 1000.0).put("fanOutTasksPerSecond", width * 1000L / span);
    }
    if (!release.isEmpty()) {
      f.set("releaseMs", Percentiles.ofMillis(toArray(release)).toJson());
    }
    if (sinkStart >= 0 && lastMiddleEnd >= 0) {
      f.put("fanInMs", sinkStart - lastMiddleEnd);
    }
    return new Result(f, failed);
  }

  /**
   * Long-polls until {@code lastId} is terminal; meanwhile counts finished tasks of the sample for
   * the progress line.
   */
  private void awaitTerminal(String lastId, List<String> sample, int total, long t0)
      throws IOException, InterruptedException {
    while (true) {
      if (terminal(http.waitFor(List.of(lastId), POLL_SECONDS).get(0))) {
        return;
      }
      if (System.nanoTime() - t0 > timeoutNanos) {
        throw new UnavailableException(
            "bench_failed",
            "task "
                + lastId
                + " did not end within "
                + timeoutNanos / 1_000_000_000L
                + " s (raise --timeout)",
            null,
            null);
      }
      if (!sample.isEmpty()) {
        long done = http.waitFor(sample, 0).stream().filter(GraphRuns::terminal).count();
        finished.set(done * total / sample.size());
      }
    }
  }

  /** The tasks in the order of {@code ids}, read in chunks. */
  private List<JsonNode> read(List<String> ids) throws IOException, InterruptedException {
    List<JsonNode> out = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i += READ_CHUNK) {
      out.addAll(http.waitFor(ids.subList(i, Math.min(ids.size(), i + READ_CHUNK)), 0));
    }
    return out;
  }

  /**
   * When a task could first run: when its upstream ended, or when it was accepted if that came
   * later (a task of a later request of a large graph may arrive after its upstream ended); -1 when
   * the upstream has not ended.
   */
  static long releasableAt(long upstreamEnd, JsonNode task) {
    return upstreamEnd < 0 ? -1 : Math.max(upstreamEnd, millis(task, "createdAt"));
  }

  private static List<String> sample(List<String> ids) {
    List<String> s = new ArrayList<>(PROGRESS_SAMPLES);
    int step = Math.max(1, ids.size() / PROGRESS_SAMPLES);
    for (int i = step - 1; i < ids.size(); i += step) {
      s.add(ids.get(i));
    }
    return s;
  }

  static boolean terminal(JsonNode task) {
    String s = task.path("state").asText();
    return s.equals("succeeded") || s.equals("failed") || s.equals("cancelled");
  }

  private static boolean succeeded(JsonNode task) {
    return task.path("state").asText().equals("succeeded");
  }

  /** A timestamp field of a task in epoch milliseconds, or -1 when absent. */
  static long millis(JsonNode task, String field) {
    JsonNode v = task.get(field);
    if (v == null || v.isNull()) {
      return -1;
    }
    return v.isNumber() ? v.asLong() : Instant.parse(v.asText()).toEpochMilli();
  }

  private static long[] toArray(List<Long> values) {
    long[] a = new long[values.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = values.get(i);
    }
    return a;
  }
}
