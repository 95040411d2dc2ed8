package dev.gale.scheduler.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * Keys of the result cache: the function's id (a function never changes; registering again makes a
 * new id, so the id is its version) and the SHA-256 of its args in canonical form (object fields
 * sorted by name at every depth, no white space), so that {@code {"a":1,"b":2}} and {@code
 * {"b":2,"a":1}} share a result.
 */
final class CacheKeys {
  private CacheKeys() {}

  /** The cache key of a function's invocation with these args. */
  static String of(String functionId, String argsJson) {
    String canonical = canonical(Json.readTree(argsJson)).toString();
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return functionId + ":" + HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** A copy with object fields sorted by name at every depth. */
  static JsonNode canonical(JsonNode n) {
    if (n.isObject()) {
      List<String> names = new ArrayList<>();
      n.fieldNames().forEachRemaining(names::add);
      Collections.sort(names);
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      for (String name : names) {
        o.set(name, canonical(n.get(name)));
      }
      return o;
    }
    if (n.isArray()) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode(n.size());
      n.forEach(e -> a.add(canonical(e)));
      return a;
    }
    return n;
  }
}
