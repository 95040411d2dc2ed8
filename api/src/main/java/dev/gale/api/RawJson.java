package dev.gale.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.io.Serializable;
import java.util.Objects;

/**
 * A JSON value kept as its serialized text, so that arguments and results pass through the gateway
 * and scheduler without being parsed and re-encoded. Written raw by Jackson; read from any JSON
 * value.
 */
@JsonSerialize(using = RawJson.Writer.class)
@JsonDeserialize(using = RawJson.Reader.class)
public final class RawJson implements Serializable {
  public static final RawJson NULL = new RawJson("null");
  public static final RawJson EMPTY_OBJECT = new RawJson("{}");

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
      return RawJson.of(p.readValueAsTree().toString());
    }
  }
}
