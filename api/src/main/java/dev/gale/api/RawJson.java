package dev.gale.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A JSON value kept as its serialized text, so that arguments and results pass through the gateway
 * and scheduler without being parsed and re-encoded. Written raw by Jackson; read from any JSON
 * value without building a tree: an object or array read through {@link Json#readSliced} is the
 * exact slice of the source text, anything else is copied token by token (numbers keep their text).
 */
@JsonSerialize(using = RawJson.Writer.class)
@JsonDeserialize(using = RawJson.Reader.class)
public final class RawJson implements Serializable {
  public static final RawJson NULL = new RawJson("null");
  public static final RawJson EMPTY_OBJECT = new RawJson("{}");

  /**
   * Deserialization attribute holding the source text (a {@code String}) or UTF-8 bytes (a {@code
   * byte[]}, whole array) that the parser reads, so that objects and arrays can be sliced out.
   */
  public static final Object SOURCE = RawJson.class.getName() + ".source";

  private final String json;

  private RawJson(String json) {
    this.json = json;
  }

  /** Wraps text that the caller guarantees is one valid JSON value. */
  public static RawJson of(String json) {
    return new RawJson(Objects.requireNonNull(json, "json"));
  }

  /** Encodes a tree. */
  public static RawJson of(JsonNode node) {
    return node == null ? NULL : new RawJson(node.toString());
  }

  /** The JSON text. */
  public String json() {
    return json;
  }

  /** Encodes any Jackson-serializable value. */
  public static RawJson ofValue(Object value) {
    return of(Json.write(value));
  }

  /** Parses the text into a tree. */
  public JsonNode toTree() {
    return Json.readTree(json);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawJson r && r.json.equals(json);
  }

  @Override
  public int hashCode() {
    return json.hashCode();
  }

  @Override
  public String toString() {
    return json;
  }

  static final class Writer extends JsonSerializer<RawJson> {
    @Override
    public void serialize(RawJson value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeRawValue(value.json);
    }
  }

  static final class Reader extends JsonDeserializer<RawJson> {
    @Override
    public RawJson deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonToken t = p.currentToken();
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        Object source = ctxt.getAttribute(SOURCE);
        if (source instanceof String s) {
          RawJson r = slice(p, s, t);
          if (r != null) {
            return r;
          }
        } else if (source instanceof byte[] b) {
          RawJson r = slice(p, b, t);
          if (r != null) {
            return r;
          }
        }
      }
      return of(copy(p));
    }

    /** The structure's text from a char-based parser over {@code s}; null when not sliceable. */
    private static RawJson slice(JsonParser p, String s, JsonToken t) throws IOException {
      long start = p.currentTokenLocation().getCharOffset();
      if (start < 0 || start >= s.length() || s.charAt((int) start) != open(t)) {
        return null;
      }
      p.skipChildren();
      long end = p.currentLocation().getCharOffset();
      if (end <= start || end > s.length() || s.charAt((int) end - 1) != close(t)) {
        throw new IllegalStateException("cannot slice a JSON value at offset " + start);
      }
      return of(s.substring((int) start, (int) end));
    }

    /** The structure's text from a byte-based parser over {@code b}; null when not sliceable. */
    private static RawJson slice(JsonParser p, byte[] b, JsonToken t) throws IOException {
      long start = p.currentTokenLocation().getByteOffset();
      if (start < 0 || start >= b.length || b[(int) start] != open(t)) {
        return null;
      }
      p.skipChildren();
      long end = p.currentLocation().getByteOffset();
      if (end <= start || end > b.length || b[(int) end - 1] != close(t)) {
        throw new IllegalStateException("cannot slice a JSON value at offset " + start);
      }
      return of(new String(b, (int) start, (int) (end - start), StandardCharsets.UTF_8));
    }

    private static char open(JsonToken t) {
      return t == JsonToken.START_OBJECT ? '{' : '[';
    }

    private static char close(JsonToken t) {
      return t == JsonToken.START_OBJECT ? '}' : ']';
    }
  }

  /**
   * The compact text of the value at the parser's current token, copied token by token without a
   * tree; numbers keep their text as read.
   */
  static String copy(JsonParser p) throws IOException {
    SegmentedStringWriter out = new SegmentedStringWriter(new BufferRecycler());
    try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
      copyTo(p, g);
    }
    return out.getAndClear();
  }

  /** Writes the value at the parser's current token (a whole structure) to the generator. */
  public static void copyTo(JsonParser p, JsonGenerator g) throws IOException {
    int depth = 0;
    JsonToken t = p.currentToken();
    while (t != null) {
      switch (t) {
        case START_OBJECT -> {
          g.writeStartObject();
          depth++;
        }
        case START_ARRAY -> {
          g.writeStartArray();
          depth++;
        }
        case END_OBJECT -> {
          g.writeEndObject();
          depth--;
        }
        case END_ARRAY -> {
          g.writeEndArray();
          depth--;
        }
        case FIELD_NAME -> g.writeFieldName(p.currentName());
        case VALUE_STRING ->
            g.writeString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
        case VALUE_TRUE -> g.writeBoolean(true);
        case VALUE_FALSE -> g.writeBoolean(false);
        case VALUE_NULL -> g.writeNull();
        default -> g.writeObject(p.getEmbeddedObject());
      }
      if (depth == 0) {
        return;
      }
      t = p.nextToken();
    }
    throw new com.fasterxml.jackson.core.io.JsonEOFException(p, null, "unexpected end of JSON");
  }
}
