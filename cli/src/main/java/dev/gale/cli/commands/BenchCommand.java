package dev.gale.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import dev.gale.api.UnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code gale bench}: a load generator against a running service. {@code throughput} submits
 * batches through {@code POST /v1/tasks} and waits for every task; {@code latency} times
 * synchronous invocations one after another over one keep-alive connection. Prints a JSON report
 * (also written to {@code --report}); progress goes to stderr.
 *
 * <p>It speaks HTTP itself with request bodies built once up front, rather than through {@link
 * dev.gale.client.GaleClient} (which builds and parses JSON trees per call and retries on its own),
 * so that the load generator takes as little of the shared cores as possible and counts 429 answers
 * instead of hiding them.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure a running service: batch throughput or sync-invoke latency.",
      "Registers its own no-op function of the chosen kind and prints a JSON report."
    })
public final class BenchCommand extends ClientCommand {
  enum Mode {
    throughput,
    latency
  }

  enum Kind {
    java,
    shell,
    python
  }

  @Parameters(paramLabel = "MODE", description = "throughput or latency")
  Mode mode;

  @Option(names = "--kind", description = "function kind: java (Echo), shell (true), python")
  Kind kind = Kind.java;

  @Option(names = "--tasks", description = "throughput: tasks in all (default: ${DEFAULT-VALUE})")
  int tasks = 100_000;

  @Option(
      names = "--batch",
      description = "throughput: tasks per request (default: ${DEFAULT-VALUE})")
  int batch = 1000;

  @Option(
      names = "--concurrency",
      description = "throughput: requests in flight (default: ${DEFAULT-VALUE})")
  int concurrency = 4;

  @Option(
      names = "--requests",
      description = "latency: timed invocations (default: ${DEFAULT-VALUE})")
  int requests = 2000;

  @Option(
      names = "--warmup",
      description = "latency: untimed invocations first (default: ${DEFAULT-VALUE})")
  int warmup = 500;

  @Option(names = "--report", paramLabel = "FILE", description = "also write the report here")
  Path report;

  private HttpClient http;
  private URI base;
  private String auth;

  @Override
  public Integer call() throws Exception {
    if (tasks < 1 || batch < 1 || concurrency < 1 || requests < 1 || warmup < 0) {
      throw new ParameterException(
          spec.commandLine(), "--tasks, --batch, --concurrency and --requests must be positive");
    }
    base = serviceUrl();
    String token = token();
    if (token == null) {
      throw new ParameterException(spec.commandLine(), "no token: use --token-file or GALE_TOKEN");
    }
    auth = "Bearer " + token;
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    String fn = registerFunction();
    ObjectNode out = mode == Mode.throughput ? throughput(fn) : latency(fn);
    out.put("mode", mode.name()).put("kind", kind.name()).put("url", base.toString());
    print(out);
    if (report != null) {
      Files.writeString(
          report, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
    }
    return 0;
  }

  private String registerFunction() throws IOException, InterruptedException {
    String body =
        switch (kind) {
          case java ->
              "{\"name\":\"bench-echo\",\"kind\":\"java\",\"spec\":{\"class\":"
                  + "\"dev.gale.function.builtin.Echo\"}}";
          case shell ->
              "{\"name\":\"bench-true\",\"kind\":\"shell\",\"spec\":{\"command\":[\"true\"]}}";
          case python ->
              "{\"name\":\"bench-noop\",\"kind\":\"python\",\"spec\":{\"source\":"
                  + "\"def noop(**kw):\\n    return None\\n\",\"entrypoint\":\"noop\"}}";
        };
    return post("/v1/functions", body, 201).get("id").asText();
  }

  private JsonNode post(String path, String body, int expected)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", auth)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 429) {
      return null;
    }
    if (r.statusCode() != expected && !(expected == 202 && r.statusCode() == 200)) {
      throw new UnavailableException(
          "bench_failed", path + " answered " + r.statusCode() + ": " + r.body(), null, null);
    }
    return Json.readTree(r.body());
  }

  private ObjectNode throughput(String fn) throws Exception {
    int batches = (tasks + batch - 1) / batch;
    List<String> bodies = new ArrayList<>(batches);
    for (int b = 0; b < batches; b++) {
      int n = Math.min(batch, tasks - b * batch);
      StringBuilder sb = new StringBuilder(n * 48).append("{\"tasks\":[");
      for (int i = 0; i < n; i++) {
        sb.append(i == 0 ? "" : ",")
            .append("{\"function\":\"")
            .append(fn)
            .append("\",\"args\":{\"i\":")
            .append(b * batch + i)
            .append("}}");
      }
      bodies.add(sb.append("]}").toString());
    }
    AtomicInteger nextBatch = new AtomicInteger();
    AtomicLong submitted = new AtomicLong();
    AtomicLong finished = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong throttled = new AtomicLong();
    ConcurrentLinkedQueue<List<String>> toWait = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency * 2);
    ScheduledExecutorService progress = startProgress(submitted, finished);
    long t0 = System.nanoTime();
    List<Future<?>> jobs = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) {
      jobs.add(
          pool.submit(
              () -> {
                for (int b; (b = nextBatch.getAndIncrement()) < batches; ) {
                  JsonNode r;
                  while ((r = post("/v1/tasks", bodies.get(b), 202)) == null) {
                    throttled.incrementAndGet();
                    Thread.sleep(50);
                  }
                  List<String> ids = new ArrayList<>();
                  r.get("tasks").forEach(t -> ids.add(t.get("id").asText()));
                  submitted.addAndGet(ids.size());
                  toWait.add(ids);
                }
                return null;
              }));
      jobs.add(
          pool.submit(
              () -> {
                while (finished.get() < tasks) {
                  List<String> ids = toWait.poll();
                  if (ids == null) {
                    Thread.sleep(1);
                    continue;
                  }
                  ObjectNode req = Json.object();
                  ids.forEach(req.putArray("ids")::add);
                  req.put("wait", 60);
                  JsonNode r = post("/v1/tasks/wait", req.toString(), 200);
                  List<String> pending = new ArrayList<>();
                  for (JsonNode t : r.get("tasks")) {
                    String state = t.get("state").asText();
                    if (state.equals("succeeded")) {
                      finished.incrementAndGet();
                    } else if (state.equals("failed") || state.equals("cancelled")) {
                      finished.incrementAndGet();
                      failed.incrementAndGet();
                    } else {
                      pending.add(t.get("id").asText());
                    }
                  }
                  if (!pending.isEmpty()) {
                    toWait.add(pending);
                  }
                }
                return null;
              }));
    }
    try {
      for (Future<?> f : jobs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
      progress.shutdownNow();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    endProgress();
    ObjectNode out = Json.object();
    out.put("tasks", tasks)
        .put("batch", batch)
        .put("concurrency", concurrency)
        .put("seconds", round(seconds))
        .put("tasksPerSecond", Math.round(tasks / seconds))
        .put("failed", failed.get())
        .put("throttledRequests", throttled.get());
    return out;
  }

  private ObjectNode latency(String fn) throws Exception {
    String path = "/v1/functions/" + fn + "/invoke";
    long[] nanos = new long[requests];
    AtomicLong done = new AtomicLong();
    ScheduledExecutorService progress = startProgress(done, done);
    try {
      for (int i = -warmup; i < requests; i++) {
        long t = System.nanoTime();
        JsonNode r = post(path, "{\"args\":{\"i\":" + i + "},\"wait\":10}", 200);
        long dt = System.nanoTime() - t;
        if (r == null || !"succeeded".equals(r.path("state").asText())) {
          throw new UnavailableException(
              "bench_failed", "invocation did not succeed: " + r, null, null);
        }
        if (i >= 0) {
          nanos[i] = dt;
          done.incrementAndGet();
        }
      }
    } finally {
      progress.shutdownNow();
    }
    endProgress();
    Arrays.sort(nanos);
    ObjectNode out = Json.object();
    out.put("requests", requests)
        .put("warmup", warmup)
        .put("p50Ms", ms(nanos, 0.50))
        .put("p90Ms", ms(nanos, 0.90))
        .put("p99Ms", ms(nanos, 0.99))
        .put("maxMs", round(nanos[nanos.length - 1] / 1e6));
    return out;
  }

  private static double ms(long[] sorted, double q) {
    int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return round(sorted[Math.max(0, i)] / 1e6);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private ScheduledExecutorService startProgress(AtomicLong submitted, AtomicLong finished) {
    ScheduledExecutorService s =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bench-progress");
              t.setDaemon(true);
              return t;
            });
    PrintWriter err = spec.commandLine().getErr();
    long total = mode == Mode.throughput ? tasks : requests;
    s.scheduleAtFixedRate(
        () -> {
          err.print(
              mode == Mode.throughput
                  ? "\rsubmitted " + submitted.get() + "/" + total + ", finished " + finished.get()
                  : "\rinvoked " + finished.get() + "/" + total);
          err.flush();
        },
        500,
        500,
        TimeUnit.MILLISECONDS);
    return s;
  }

  private void endProgress() {
    spec.commandLine().getErr().println();
    spec.commandLine().getErr().flush();
  }
}
