package dev.gale.gateway.impl;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;
import dev.gale.api.Json;
import dev.gale.api.protocol.FunctionSpec;
import dev.gale.api.protocol.TaskAssignment;
import dev.gale.api.protocol.TaskBatch;
import dev.gale.api.protocol.WorkerProtocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Encodes {@code tasks} frames, the same text as {@link WorkerProtocol#encode} of a {@link
 * TaskBatch}, written once with a streaming generator: each function's spec is encoded the first
 * time it is sent and kept (a definition never changes under its id), args are written as the raw
 * text they already are. Thread-safe.
 */
final class TaskBatchFrames {
  private static final int MAX_SPECS = 10_000;

  private final ConcurrentHashMap<String, String> specs = new ConcurrentHashMap<>();

  /** The frame for these functions and tasks. */
  String encode(List<FunctionSpec> functions, List<TaskAssignment> tasks) {
    SegmentedStringWriter out = new SegmentedStringWriter(new BufferRecycler());
    try {
      write(out, functions, tasks);
      return out.getAndClear();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a task batch", e);
    }
  }

  private void write(
      SegmentedStringWriter out, List<FunctionSpec> functions, List<TaskAssignment> tasks)
      throws IOException {
    try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", "tasks");
      g.writeArrayFieldStart("functions");
      for (FunctionSpec f : functions) {
        g.writeRawValue(spec(f));
      }
      g.writeEndArray();
      g.writeArrayFieldStart("tasks");
      for (TaskAssignment t : tasks) {
        g.writeStartObject();
        if (t.taskId() != null) {
          g.writeStringField("taskId", t.taskId());
        }
        g.writeNumberField("attempt", t.attempt());
        if (t.function() != null) {
          g.writeStringField("function", t.function());
        }
        if (t.args() != null) {
          g.writeFieldName("args");
          g.writeRawValue(t.args().json());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  private String spec(FunctionSpec f) {
    if (f.id() == null) {
      return Json.write(f);
    }
    String s = specs.get(f.id());
    if (s == null) {
      if (specs.size() >= MAX_SPECS) {
        specs.clear();
      }
      s = Json.write(f);
      specs.put(f.id(), s);
    }
    return s;
  }
}
