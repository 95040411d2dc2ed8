package dev.gale.scheduler.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * References to other tasks inside a task's args: {@code {"$ref": "<ref>"}} names a task of the
 * same batch by its {@code ref}, {@code {"$task": "<id>"}} any earlier task. A reference is an
 * object with exactly that one field, anywhere in the args (nested in objects and arrays, but not
 * the args object itself). At submission every {@code $ref} is rewritten to the {@code $task} of
 * the id it names; when all upstream tasks have succeeded, each {@code $task} is replaced by that
 * task's result. Pure functions of JSON text.
 */
final class TaskRefs {
  static final String REF = "$ref";
  static final String TASK = "$task";

  private TaskRefs() {}

  /** A cheap test that lets args without references skip parsing. */
  static boolean mayHaveRefs(String argsJson) {
    return argsJson.contains("\"$ref\"") || argsJson.contains("\"$task\"");
  }

  /** The references found in one task's args. */
  record Found(ObjectNode args, Set<String> refs, Set<String> taskIds) {}

  /**
   * Parses args and collects their references.
   *
   * @param field how errors name the args, e.g. {@code tasks[3].args}
   * @throws InvalidRequestException for a malformed reference, naming where it is
   */
  static Found find(String argsJson, String field) {
    JsonNode root = Json.readTree(argsJson);
    if (!(root instanceof ObjectNode o)) {
      throw new InvalidRequestException(field + " must be an object");
    }
    if (referenceName(o, field) != null) {
      throw new InvalidRequestException(
          field + " itself cannot be a reference; put the reference in a field of args");
    }
    Set<String> refs = new LinkedHashSet<>();
    Set<String> ids = new LinkedHashSet<>();
    collect(o, field, refs, ids);
    return new Found(o, refs, ids);
  }

  private static void collect(JsonNode n, String path, Set<String> refs, Set<String> ids) {
    if (n.isObject()) {
      String kind = referenceName(n, path);
      if (kind != null) {
        (REF.equals(kind) ? refs : ids).add(n.get(kind).textValue());
        return;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        collect(e.getValue(), path + "." + e.getKey(), refs, ids);
      }
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        collect(n.get(i), path + "[" + i + "]", refs, ids);
      }
    }
  }

  /**
   * {@code $ref} or {@code $task} when the object is a well-formed reference, null when it is an
   * ordinary object.
   */
  private static String referenceName(JsonNode o, String path) {
    String kind = o.has(REF) ? REF : o.has(TASK) ? TASK : null;
    if (kind == null) {
      return null;
    }
    JsonNode v = o.get(kind);
    if (o.size() != 1) {
      throw new InvalidRequestException(
          path + ": a reference object has only the field " + kind + ", found " + o.size());
    }
    if (!v.isTextual() || v.textValue().isEmpty()) {
      throw new InvalidRequestException(
          path
              + "."
              + kind
              + " must be a non-empty string (a task "
              + (REF.equals(kind) ? "ref" : "id")
              + ")");
    }
    return kind;
  }

  /** Rewrites every {@code $ref} in place into the {@code $task} of the id it names. */
  static void rewriteRefs(JsonNode n, Function<String, String> idOfRef) {
    if (n instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = e.getValue();
        if (v.isObject() && v.size() == 1 && v.has(REF)) {
          e.setValue(reference(idOfRef.apply(v.get(REF).textValue())));
        } else {
          rewriteRefs(v, idOfRef);
        }
      }
    } else if (n instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        JsonNode v = a.get(i);
        if (v.isObject() && v.size() == 1 && v.has(REF)) {
          a.set(i, reference(idOfRef.apply(v.get(REF).textValue())));
        } else {
          rewriteRefs(v, idOfRef);
        }
      }
    }
  }

  private static ObjectNode reference(String taskId) {
    return Json.object().put(TASK, taskId);
  }

  /**
   * Replaces every {@code {"$task": id}} by the result of that task.
   *
   * @param results task id → result as JSON text
   * @return the args as JSON text
   */
  static String substitute(String argsJson, Map<String, String> results) {
    JsonNode root = Json.readTree(argsJson);
    replace(root, results);
    return root.toString();
  }

  private static void replace(JsonNode n, Map<String, String> results) {
    if (n instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode r = resultFor(e.getValue(), results);
        if (r != null) {
          e.setValue(r);
        } else {
          replace(e.getValue(), results);
        }
      }
    } else if (n instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        JsonNode r = resultFor(a.get(i), results);
        if (r != null) {
          a.set(i, r);
        } else {
          replace(a.get(i), results);
        }
      }
    }
  }

  private static JsonNode resultFor(JsonNode v, Map<String, String> results) {
    if (v.isObject() && v.size() == 1 && v.has(TASK)) {
      String result = results.get(v.get(TASK).textValue());
      if (result != null) {
        return Json.readTree(result);
      }
    }
    return null;
  }
}
