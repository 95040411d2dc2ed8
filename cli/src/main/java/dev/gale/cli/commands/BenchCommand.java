package dev.gale.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import dev.gale.api.UnavailableException;
import dev.gale.cli.Main;
import dev.gale.cli.commands.bench.BenchAgents;
import dev.gale.cli.commands.bench.BenchHttp;
import dev.gale.cli.commands.bench.BenchReport;
import dev.gale.cli.commands.bench.GraphRuns;
import dev.gale.cli.commands.bench.LatencyClient;
import dev.gale.cli.commands.bench.MachineFacts;
import dev.gale.cli.commands.bench.Percentiles;
import dev.gale.cli.commands.bench.Progress;
import dev.gale.cli.commands.bench.StartedService;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code gale bench}: a load generator against a running service, or one it starts itself ({@code
 * --start}). {@code throughput} submits batches through {@code POST /v1/tasks} and waits for every
 * task; {@code latency} times synchronous invocations one after another over one keep-alive
 * connection; {@code chain} and {@code fanout} submit task graphs built with {@code $ref}
 * references (see {@link dev.gale.cli.commands.bench.GraphWorkloads}). Prints the figures as JSON;
 * {@code --json FILE} writes the full report ({@link BenchReport}); a progress line goes to stderr
 * when it is a terminal.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure a service: batch throughput, sync-invoke latency, task chains or fan-out/fan-in.",
      "Registers its own no-op function of the chosen kind and prints a JSON report."
    })
public final class BenchCommand extends ClientCommand {
  enum Mode {
    throughput,
    latency,
    chain,
    fanout
  }

  enum Kind {
    java,
    shell,
    python
  }

  @Parameters(paramLabel = "MODE", description = "throughput, latency, chain or fanout")
  Mode mode;

  @Option(names = "--kind", description = "function kind: java (Echo), shell (true), python")
  Kind kind = Kind.java;

  @Option(
      names = "--tasks",
      description =
          "throughput: tasks in all (default 100000); chain: its length (default 1000);"
              + " fanout: tasks between the root and the sink (default 10000)")
  Integer tasks;

  @Option(
      names = "--batch",
      description =
          "throughput, chain, fanout: tasks per request (default: ${DEFAULT-VALUE}; at most the"
              + " gateway's batch limit)")
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

  @Option(
      names = "--timeout",
      paramLabel = "S",
      description = "chain, fanout: longest wait for the graph to end (default: ${DEFAULT-VALUE})")
  int timeoutSeconds = 600;

  @Option(names = "--report", paramLabel = "FILE", description = "also write the figures here")
  Path report;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description =
          "write the full report (parameters, machine, figures, errors) here; '-' for stdout"
              + " instead of the figures")
  String json;

  @Option(names = "--quiet", description = "no progress line on stderr")
  boolean quiet;

  @Option(
      names = "--start",
      description =
          "start a service for the run ('gale up' on a free port in a temporary home), stop it"
              + " after")
  boolean start;

  @Option(
      names = "--start-workers",
      paramLabel = "N",
      description = "with --start: workers of that service (default: gale up's)")
  Integer startWorkers;

  @Option(
      names = "--agents",
      paramLabel = "N",
      description =
          "run the tasks on N lightweight node agents inside the bench (a pool of their own, a"
              + " worker token minted with the bench's admin token) instead of the service's"
              + " workers")
  int agents;

  @Option(
      names = "--agent-slots",
      paramLabel = "S",
      description = "with --agents: slots of each agent (default: ${DEFAULT-VALUE})")
  int agentSlots = 100;

  /** How long {@code --start} waits for its service to be up (workers connected). */
  static final int START_TIMEOUT_SECONDS = 180;

  private BenchHttp http;

  @Override
  public Integer call() throws Exception {
    int n = tasks != null ? tasks : defaultTasks(mode);
    if (n < 1 || batch < 1 || concurrency < 1 || requests < 1 || warmup < 0) {
      throw new ParameterException(
          spec.commandLine(), "--tasks, --batch, --concurrency and --requests must be positive");
    }
    if (mode == Mode.fanout && batch < 2) {
      throw new ParameterException(spec.commandLine(), "fanout needs --batch of at least 2");
    }
    if (timeoutSeconds < 1) {
      throw new ParameterException(spec.commandLine(), "--timeout must be positive");
    }
    if (start
        && (spec.commandLine().getParseResult().hasMatchedOption("--url")
            || spec.commandLine().getParseResult().hasMatchedOption("--token-file"))) {
      throw new ParameterException(
          spec.commandLine(), "--start runs its own service: leave out --url and --token-file");
    }
    if (agents < 0 || agentSlots < 1) {
      throw new ParameterException(
          spec.commandLine(), "--agents must be >= 0 and --agent-slots positive");
    }
    if (startWorkers != null && (!start || startWorkers < 1)) {
      throw new ParameterException(
          spec.commandLine(), "--start-workers needs --start and a positive number");
    }
    Instant startedAt = Instant.now();
    MachineFacts machine = MachineFacts.current();
    if (!start) {
      String token = token();
      if (token == null) {
        throw new ParameterException(
            spec.commandLine(), "no token: use --token-file or GALE_TOKEN");
      }
      return run(n, serviceUrl(), token, startedAt, machine);
    }
    // nothing runs any more when the service is stopped: no drain time needed
    List<String> upArgs = new ArrayList<>(List.of("--drain-seconds", "1"));
    if (startWorkers != null) {
      upArgs.addAll(List.of("--workers", startWorkers.toString()));
    }
    boolean tell = !quiet && Progress.stderrIsTerminal();
    if (tell) {
      spec.commandLine().getErr().println("starting gale up...");
    }
    try (StartedService service =
        StartedService.start(Main.of(spec).env(), upArgs, START_TIMEOUT_SECONDS)) {
      if (tell) {
        spec.commandLine().getErr().println("started Gale at " + service.url());
      }
      return run(n, service.url(), service.token(), startedAt, machine);
    }
  }

  private int run(int n, URI base, String token, Instant startedAt, MachineFacts machine)
      throws Exception {
    http = new BenchHttp(base, token);
    if (agents == 0) {
      return run(n, base, startedAt, machine, null);
    }
    try (BenchAgents own = BenchAgents.start(http, agents, agentSlots, Duration.ofMinutes(5))) {
      return run(n, base, startedAt, machine, own);
    }
  }

  private int run(int n, URI base, Instant startedAt, MachineFacts machine, BenchAgents own)
      throws Exception {
    boolean showProgress = !quiet && Progress.stderrIsTerminal();
    String fn = registerFunction(mode == Mode.chain || mode == Mode.fanout, own);
    ObjectNode parameters = Json.object();
    if (own != null) {
      parameters.put("agents", agents).put("agentSlots", agentSlots).put("pool", own.pool());
    }
    ObjectNode out;
    long failedTasks;
    switch (mode) {
      case throughput -> {
        parameters.put("tasks", n).put("batch", batch).put("concurrency", concurrency);
        out = throughput(fn, n, showProgress);
        failedTasks = out.get("failed").asLong();
      }
      case latency -> {
        parameters.put("requests", requests).put("warmup", warmup);
        out = latency(fn, showProgress);
        failedTasks = 0;
      }
      default -> {
        parameters
            .put(mode == Mode.chain ? "tasks" : "width", n)
            .put("batch", batch)
            .put("timeoutSeconds", timeoutSeconds);
        GraphRuns runs = new GraphRuns(http, fn, stepArgs(), batch, timeoutSeconds);
        GraphRuns.Result r;
        try (Progress p =
            Progress.start(
                showProgress,
                spec.commandLine().getErr(),
                () ->
                    mode + ": submitted " + runs.submitted() + ", finished ~" + runs.finished())) {
          r = mode == Mode.chain ? runs.chain(n, showProgress) : runs.fanout(n, showProgress);
        }
        out = r.figures();
        failedTasks = r.failedTasks();
      }
    }
    out.put("mode", mode.name()).put("kind", kind.name()).put("url", base.toString());
    if (own != null) {
      out.put("agents", agents).put("slots", (long) agents * agentSlots);
    }
    ObjectNode full =
        new BenchReport(
                mode.name(),
                kind.name(),
                base.toString(),
                start,
                startedAt,
                parameters.put("kind", kind.name()),
                machine,
                out,
                failedTasks,
                http.throttled())
            .toJson();
    print("-".equals(json) ? full : out);
    if (report != null) {
      Files.writeString(
          report, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
    }
    if (json != null && !json.equals("-")) {
      Files.writeString(
          Path.of(json), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(full));
    }
    return 0;
  }

  static int defaultTasks(Mode mode) {
    return switch (mode) {
      case chain -> 1000;
      case fanout -> 10_000;
      default -> 100_000;
    };
  }

  /**
   * Registers the measured function. Throughput and latency use a no-op that returns its args
   * ({@code Echo}); graph tasks use one whose result stays small however deep the graph ({@code
   * Sleep} for zero seconds, {@code true}, a python function returning None), since each task gets
   * its upstream's result as an argument.
   */
  private String registerFunction(boolean graph, BenchAgents own)
      throws IOException, InterruptedException {
    String body =
        switch (kind) {
          case java ->
              graph
                  ? "{\"name\":\"bench-step\",\"kind\":\"java\",\"spec\":{\"class\":"
                      + "\"dev.gale.function.builtin.Sleep\"}}"
                  : "{\"name\":\"bench-echo\",\"kind\":\"java\",\"spec\":{\"class\":"
                      + "\"dev.gale.function.builtin.Echo\"}}";
          case shell ->
              "{\"name\":\"bench-true\",\"kind\":\"shell\",\"spec\":{\"command\":[\"true\"]}}";
          case python ->
              "{\"name\":\"bench-noop\",\"kind\":\"python\",\"spec\":{\"source\":"
                  + "\"def noop(**kw):\\n    return None\\n\",\"entrypoint\":\"noop\"}}";
        };
    if (own != null) {
      body = body.substring(0, body.length() - 1) + ",\"pool\":\"" + own.pool() + "\"}";
    }
    return http.postUntilAccepted("/v1/functions", body, 201).get("id").asText();
  }

  /** Arguments of every graph task besides its references. */
  private ObjectNode stepArgs() {
    return kind == Kind.java ? Json.object().put("seconds", 0) : Json.object();
  }

  private ObjectNode throughput(String fn, int tasks, boolean showProgress) throws Exception {
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
    ConcurrentLinkedQueue<List<String>> toWait = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency * 2);
    long t0 = System.nanoTime();
    List<Future<?>> jobs = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) {
      jobs.add(
          pool.submit(
              () -> {
                for (int b; (b = nextBatch.getAndIncrement()) < batches; ) {
                  JsonNode r = http.postUntilAccepted("/v1/tasks", bodies.get(b), 202);
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
                  List<String> pending = new ArrayList<>();
                  for (JsonNode t : http.waitFor(ids, 60)) {
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
    try (Progress p =
        Progress.start(
            showProgress,
            spec.commandLine().getErr(),
            () -> "submitted " + submitted.get() + "/" + tasks + ", finished " + finished.get())) {
      for (Future<?> f : jobs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    ObjectNode out = Json.object();
    out.put("tasks", tasks)
        .put("batch", batch)
        .put("concurrency", concurrency)
        .put("seconds", Percentiles.round(seconds))
        .put("tasksPerSecond", Math.round(tasks / seconds))
        .put("failed", failed.get())
        .put("throttledRequests", http.throttled());
    return out;
  }

  private ObjectNode latency(String fn, boolean showProgress) throws Exception {
    String path = "/v1/functions/" + fn + "/invoke";
    long[] nanos = new long[requests];
    AtomicLong done = new AtomicLong();
    LatencyClient client = LatencyClient.open(http);
    try (client;
        Progress p =
            Progress.start(
                showProgress,
                spec.commandLine().getErr(),
                () -> "invoked " + done.get() + "/" + requests)) {
      for (int i = -warmup; i < requests; i++) {
        String body = "{\"args\":{\"i\":" + i + "},\"wait\":10}";
        long t = System.nanoTime();
        JsonNode r = client.post(path, body);
        long dt = System.nanoTime() - t;
        if (!"succeeded".equals(r.path("state").asText())) {
          throw new UnavailableException(
              "bench_failed", "invocation did not succeed: " + r, null, null);
        }
        if (i >= 0) {
          nanos[i] = dt;
          done.incrementAndGet();
        }
      }
    }
    Percentiles p = Percentiles.ofNanos(nanos);
    ObjectNode out = Json.object();
    out.put("requests", requests)
        .put("warmup", warmup)
        .put("p50Ms", p.p50Ms())
        .put("p90Ms", p.p90Ms())
        .put("p99Ms", p.p99Ms())
        .put("maxMs", p.maxMs())
        .put("client", client.name());
    return out;
  }
}
