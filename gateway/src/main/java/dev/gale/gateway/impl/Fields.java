package dev.gale.gateway.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.api.PayloadTooLargeException;

/**
 * Typed reads of request fields. Each failure is a 400 {@code invalid_request} whose message and
 * {@code details.field} name the field by its path (for example {@code tasks[3].args}). A JSON
 * {@code null} counts as absent.
 */
final class Fields {
  private Fields() {}

  /** A 400 naming the field. */
  static InvalidRequestException invalid(String field, String message) {
    return new InvalidRequestException("invalid_request", message, details(field));
  }

  static ObjectNode details(String field) {
    return Json.object().put("field", field);
  }

  static String path(String prefix, String name) {
    return prefix.isEmpty() ? name : prefix + "." + name;
  }

  /** The body as an object, or 400 when it is another JSON value. */
  static ObjectNode object(JsonNode body, String what) {
    if (body == null || body.isMissingNode() || body.isNull()) {
      throw invalid(what, what + " must be a JSON object");
    }
    if (!body.isObject()) {
      throw invalid(what, what + " must be a JSON object");
    }
    return (ObjectNode) body;
  }

  static boolean absent(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode();
  }

  static String requiredString(JsonNode parent, String name, String prefix) {
    String value = optionalString(parent, name, prefix);
    if (value == null) {
      String field = path(prefix, name);
      throw invalid(field, field + " is required");
    }
    return value;
  }

  static String optionalString(JsonNode parent, String name, String prefix) {
    JsonNode n = parent.get(name);
    if (absent(n)) {
      return null;
    }
    String field = path(prefix, name);
    if (!n.isTextual()) {
      throw invalid(field, field + " must be a string");
    }
    return n.textValue();
  }

  /** An optional integer within bounds; fractions, strings and out-of-range values are 400. */
  static Integer optionalInt(JsonNode parent, String name, String prefix, long min, long max) {
    JsonNode n = parent.get(name);
    if (absent(n)) {
      return null;
    }
    String field = path(prefix, name);
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw invalid(field, field + " must be an integer between " + min + " and " + max);
    }
    long v = n.longValue();
    if (v < min || v > max) {
      throw invalid(field, field + " must be an integer between " + min + " and " + max);
    }
    return (int) v;
  }

  static Boolean optionalBoolean(JsonNode parent, String name, String prefix) {
    JsonNode n = parent.get(name);
    if (absent(n)) {
      return null;
    }
    String field = path(prefix, name);
    if (!n.isBoolean()) {
      throw invalid(field, field + " must be true or false");
    }
    return n.booleanValue();
  }

  static ObjectNode optionalObject(JsonNode parent, String name, String prefix) {
    JsonNode n = parent.get(name);
    if (absent(n)) {
      return null;
    }
    String field = path(prefix, name);
    if (!n.isObject()) {
      throw invalid(field, field + " must be an object");
    }
    return (ObjectNode) n;
  }

  // ---- the same reads over a streamed body ({@link BodyValue}) ----

  /** The body as an object, or 400 when it is absent or another JSON value. */
  static BodyValue object(BodyValue body, String what) {
    if (BodyValue.absent(body) || !body.isObject()) {
      throw invalid(what, what + " must be a JSON object");
    }
    return body;
  }

  static String requiredString(BodyValue parent, String name, String prefix) {
    String value = optionalString(parent, name, prefix);
    if (value == null) {
      String field = path(prefix, name);
      throw invalid(field, field + " is required");
    }
    return value;
  }

  static String optionalString(BodyValue parent, String name, String prefix) {
    BodyValue n = parent.get(name);
    if (BodyValue.absent(n)) {
      return null;
    }
    String field = path(prefix, name);
    if (!n.isTextual()) {
      throw invalid(field, field + " must be a string");
    }
    return n.textValue();
  }

  /** An optional non-negative number (seconds, fractions allowed). */
  static Double optionalSeconds(BodyValue parent, String name, String prefix) {
    BodyValue n = parent.get(name);
    if (BodyValue.absent(n)) {
      return null;
    }
    String field = path(prefix, name);
    if (!n.isNumber() || n.doubleValue() < 0 || !Double.isFinite(n.doubleValue())) {
      throw invalid(field, field + " must be a non-negative number of seconds");
    }
    return n.doubleValue();
  }

  /**
   * The {@code args} object as its JSON text, exactly as sent; {@code {}} when absent.
   *
   * @throws PayloadTooLargeException when it exceeds {@code maxBytes} of UTF-8
   */
  static String args(BodyValue parent, String prefix, int maxBytes) {
    BodyValue n = parent.get(BodyValue.ARGS);
    String field = path(prefix, "args");
    if (BodyValue.absent(n)) {
      return "{}";
    }
    if (!n.isObject()) {
      throw invalid(field, field + " must be an object");
    }
    long bytes = n.rawBytes();
    if (bytes > maxBytes) {
      ObjectNode d = details(field).put("limit", maxBytes).put("size", bytes);
      throw new PayloadTooLargeException(
          "too_large", field + " is " + bytes + " bytes; the limit is " + maxBytes, d);
    }
    return n.raw();
  }

  /** The number of bytes of the string's UTF-8 encoding, without encoding it. */
  static long utf8Length(CharSequence s) {
    long n = 0;
    int len = s.length();
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < len) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
