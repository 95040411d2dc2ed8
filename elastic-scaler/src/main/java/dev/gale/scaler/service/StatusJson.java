package dev.gale.scaler.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import dev.gale.scaler.BlockRecord;
import dev.gale.scaler.BlockState;
import dev.gale.scaler.ScalerStatus;
import dev.gale.scaler.strategy.Decision;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON form of a pool's published status (what {@code GET /v1/pools/{name}} shows under {@code
 * scaler}), and the block records read back from it by the scaler that takes the pool over.
 *
 * <pre>{@code
 * {"pool", "provider", "strategy", "holder", "fence", "at", "healthy", "reason",
 *  "queued", "running", "target",
 *  "decision":   {"cases", "reason", "start", "drain", "cancel"},          the last tick's
 *  "lastAction": {"at", "cases", "reason", "start", "drain", "cancel"},    the last that did something
 *  "blocks": [{"id", "jobId", "state", "message", "since", "submittedAt", "runningSince",
 *              "runningTasks", "started", "draining", "stopping"}],
 *  "metrics": {"blocks": {STATE: n}, "decisions": {case: n}, "submitFailures": n},
 *  "spec": the pool's settings the blocks were started under}
 * }</pre>
 */
public final class StatusJson {
  private StatusJson() {}

  /** A decision as JSON. */
  static ObjectNode decision(Decision d, Instant at) {
    ObjectNode o = Json.object();
    if (at != null) {
      o.put("at", at.toString());
    }
    ArrayNode cases = o.putArray("cases");
    d.cases().forEach(cases::add);
    o.put("reason", d.reason());
    o.put("start", d.start());
    ArrayNode drain = o.putArray("drain");
    d.drain().forEach(drain::add);
    ArrayNode cancel = o.putArray("cancel");
    d.cancel().forEach(cancel::add);
    return o;
  }

  /** The blocks of a loop's status as a JSON array. */
  static ArrayNode blocks(List<ScalerStatus.BlockInfo> blocks) {
    ArrayNode a = Json.mapper().createArrayNode();
    for (ScalerStatus.BlockInfo b : blocks) {
      ObjectNode o = a.addObject();
      o.put("id", b.id());
      o.put("jobId", b.jobId());
      o.put("state", b.state().name());
      o.put("message", b.message());
      o.put("since", str(b.since()));
      o.put("submittedAt", str(b.submittedAt()));
      o.put("runningSince", str(b.runningSince()));
      o.put("runningTasks", b.runningTasks());
      o.put("started", b.started());
      o.put("draining", b.draining());
      o.put("stopping", b.stopping());
    }
    return a;
  }

  /** Block records as a JSON array (the form {@link #blocks} writes). */
  static ArrayNode records(List<BlockRecord> records) {
    ArrayNode a = Json.mapper().createArrayNode();
    for (BlockRecord r : records) {
      ObjectNode o = a.addObject();
      o.put("id", r.id());
      o.put("jobId", r.jobId());
      o.put("state", r.state().name());
      o.put("since", str(r.since()));
      o.put("submittedAt", str(r.submittedAt()));
      o.put("runningSince", str(r.runningSince()));
      o.put("runningTasks", 0);
      o.put("started", r.started());
      o.put("draining", r.draining());
      o.put("stopping", r.stopping());
    }
    return a;
  }

  /** Counts of blocks by state, for metrics. */
  static Map<String, Integer> countByState(JsonNode blocks) {
    Map<String, Integer> out = new TreeMap<>();
    for (BlockState s : BlockState.values()) {
      if (!s.isTerminal()) {
        out.put(s.name(), 0);
      }
    }
    if (blocks != null) {
      blocks.forEach(b -> out.merge(b.path("state").asText("PENDING"), 1, Integer::sum));
    }
    return out;
  }

  /**
   * The block records in a published status; entries that cannot be read are skipped (a scaler of
   * another version may have written them).
   */
  public static List<BlockRecord> readRecords(JsonNode status) {
    List<BlockRecord> out = new ArrayList<>();
    if (status == null) {
      return out;
    }
    for (JsonNode b : status.path("blocks")) {
      try {
        Instant submitted = instant(b.get("submittedAt"));
        Instant since = instant(b.get("since"));
        String id = b.path("id").asText(null);
        if (id == null || submitted == null) {
          continue;
        }
        out.add(
            new BlockRecord(
                id,
                b.hasNonNull("jobId") ? b.get("jobId").asText() : null,
                BlockState.valueOf(b.path("state").asText("PENDING")),
                since == null ? submitted : since,
                submitted,
                instant(b.get("runningSince")),
                b.path("started").asBoolean(false),
                b.path("draining").asBoolean(false),
                b.path("stopping").asBoolean(false)));
      } catch (IllegalArgumentException | DateTimeParseException e) {
        // unreadable entry: skipped
      }
    }
    return out;
  }

  private static String str(Instant i) {
    return i == null ? null : i.toString();
  }

  private static Instant instant(JsonNode n) {
    return n == null || n.isNull() ? null : Instant.parse(n.asText());
  }
}
