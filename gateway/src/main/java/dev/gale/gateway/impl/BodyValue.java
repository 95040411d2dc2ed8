package dev.gale.gateway.impl;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.gale.api.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A request body read by Jackson's streaming parser, down to a fixed depth, for the hot routes
 * (invoke, batch submit, multi-wait). Unlike a {@code JsonNode} tree it keeps no more than the
 * validation needs: the token of each value, scalars, the fields of objects and the items of arrays
 * within the depth, and for an object under a field named {@code args} its exact text, sliced from
 * the body bytes (it passes to the scheduler and the worker as it came). Deeper structures are
 * skipped by the parser, which still checks that they are well-formed.
 *
 * <p>The whole body is read before anything is validated, so a body that is not JSON is always
 * {@code invalid_json}, whatever else is wrong with it, as with a tree. Text after the first value
 * is ignored, as {@code ObjectMapper.readTree} does.
 */
final class BodyValue {
  /** The field whose object values are kept as text. */
  static final String ARGS = "args";

  final JsonToken token;
  private String text;
  private Number number;
  private JsonParser.NumberType numberType;
  private Map<String, BodyValue> fields;
  private List<BodyValue> items;
  private String raw;
  private int rawBytes;

  private BodyValue(JsonToken token) {
    this.token = token;
  }

  /**
   * Reads a body.
   *
   * @param depth how many levels of objects and arrays to open (1: the top-level fields)
   * @return null for an empty body
   * @throws dev.gale.api.InvalidRequestException {@code invalid_json} when it is not JSON
   */
  static BodyValue read(byte[] body, int depth) {
    if (body.length == 0) {
      return null;
    }
    try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
      JsonToken t = p.nextToken();
      return t == null ? null : read(p, body, depth, false);
    } catch (IOException e) {
      throw Json.invalidJson(e);
    }
  }

  private static BodyValue read(JsonParser p, byte[] src, int depth, boolean keepText)
      throws IOException {
    JsonToken t = p.currentToken();
    BodyValue v = new BodyValue(t);
    switch (t) {
      case START_OBJECT -> {
        if (keepText) {
          int start = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          int end = (int) p.currentLocation().getByteOffset();
          if (start < 0 || end <= start || src[start] != '{' || src[end - 1] != '}') {
            throw new IllegalStateException("cannot slice args at byte " + start);
          }
          v.raw = new String(src, start, end - start, StandardCharsets.UTF_8);
          v.rawBytes = end - start;
        } else if (depth > 0) {
          v.fields = new HashMap<>(8);
          JsonToken f;
          while ((f = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            v.fields.put(name, read(p, src, depth - 1, ARGS.equals(name)));
          }
          if (f != JsonToken.END_OBJECT) {
            throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected end of object");
          }
        } else {
          p.skipChildren();
        }
      }
      case START_ARRAY -> {
        if (depth > 0) {
          v.items = new ArrayList<>();
          JsonToken i;
          while ((i = p.nextToken()) != JsonToken.END_ARRAY) {
            if (i == null) {
              throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected end of array");
            }
            v.items.add(read(p, src, depth - 1, false));
          }
        } else {
          p.skipChildren();
        }
      }
      case VALUE_STRING -> v.text = p.getText();
      case VALUE_NUMBER_INT -> {
        v.numberType = p.getNumberType();
        v.number = p.getNumberValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        v.numberType = JsonParser.NumberType.DOUBLE;
        v.number = p.getDoubleValue();
      }
      default -> {
        // true, false, null: the token says it all
      }
    }
    return v;
  }

  /** A field of an object, or null when absent (or when this is not an object). */
  BodyValue get(String name) {
    return fields == null ? null : fields.get(name);
  }

  /** A JSON null counts as absent, as in {@link Fields}. */
  static boolean absent(BodyValue v) {
    return v == null || v.token == JsonToken.VALUE_NULL;
  }

  boolean isObject() {
    return token == JsonToken.START_OBJECT;
  }

  boolean isArray() {
    return token == JsonToken.START_ARRAY;
  }

  boolean isTextual() {
    return token == JsonToken.VALUE_STRING;
  }

  boolean isNumber() {
    return token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
  }

  /** An integer that fits 32 bits. */
  boolean isInt() {
    return token == JsonToken.VALUE_NUMBER_INT && numberType == JsonParser.NumberType.INT;
  }

  String textValue() {
    return text;
  }

  double doubleValue() {
    return number.doubleValue();
  }

  int intValue() {
    return number.intValue();
  }

  /** The items of an array read within the depth; empty otherwise. */
  List<BodyValue> items() {
    return items == null ? List.of() : items;
  }

  /** The exact text of an object under {@code args}, or null. */
  String raw() {
    return raw;
  }

  /** The UTF-8 size of {@link #raw()}. */
  int rawBytes() {
    return rawBytes;
  }
}
