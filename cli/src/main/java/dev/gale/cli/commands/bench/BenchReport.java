package dev.gale.cli.commands.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import java.time.Instant;
import java.util.Objects;

/**
 * The JSON report of one benchmark run ({@code gale bench --json FILE}):
 *
 * <pre>
 * {"mode", "kind", "url", "startedService", "startedAt",
 *  "parameters": {...the options of the mode...},
 *  "machine": {"cores", "memoryBytes", "os", "java", "loadAverage"},
 *  "figures": {...tasksPerSecond, seconds, p50Ms/p90Ms/p99Ms/maxMs...},
 *  "errors": {"failedTasks", "throttledRequests"}}
 * </pre>
 *
 * @param mode the workload
 * @param kind the function kind measured
 * @param url the service
 * @param startedService true when the run started its own service ({@code --start})
 * @param startedAt when the run began
 * @param parameters the workload's options
 * @param machine where it ran
 * @param figures what it measured
 * @param failedTasks tasks that ended failed or cancelled
 * @param throttledRequests requests answered 429 (and retried)
 */
public record BenchReport(
    String mode,
    String kind,
    String url,
    boolean startedService,
    Instant startedAt,
    ObjectNode parameters,
    MachineFacts machine,
    ObjectNode figures,
    long failedTasks,
    long throttledRequests) {

  public BenchReport {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(machine, "machine");
    Objects.requireNonNull(figures, "figures");
  }

  /** The report as a JSON object, in the shape above. */
  public ObjectNode toJson() {
    ObjectNode o =
        Json.object()
            .put("mode", mode)
            .put("kind", kind)
            .put("url", url)
            .put("startedService", startedService)
            .put("startedAt", startedAt.toString());
    o.set("parameters", parameters.deepCopy());
    o.set("machine", machine.toJson());
    o.set("figures", figures.deepCopy());
    o.putObject("errors")
        .put("failedTasks", failedTasks)
        .put("throttledRequests", throttledRequests);
    return o;
  }
}
