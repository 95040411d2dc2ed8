package dev.gale.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one shared Jackson configuration: ISO instants as strings ({@link IsoInstants}), unknown
 * fields ignored.
 */
public final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .findAndRegisterModules()
          .registerModule(IsoInstants.module())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private Json() {}

  /** The shared mapper; do not reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** A new empty object node. */
  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** Serializes a value; failures are programming errors and become unchecked. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode " + value.getClass().getName(), e);
    }
  }

  /** Serializes a value to UTF-8 bytes. */
  public static byte[] writeBytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode " + value.getClass().getName(), e);
    }
  }

  /**
   * Parses JSON text into a tree.
   *
   * @throws InvalidRequestException with code {@code invalid_json} when the text is not JSON
   */
  public static JsonNode readTree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException(
          "invalid_json", "body is not valid JSON: " + e.getOriginalMessage(), null, e);
    }
  }

  /**
   * Parses UTF-8 JSON bytes into a tree.
   *
   * @throws InvalidRequestException with code {@code invalid_json} when the bytes are not JSON
   */
  public static JsonNode readTree(byte[] json) {
    try {
      return MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw invalidJson(e);
    }
  }

  /**
   * Reads a value of the given type from JSON text, letting the {@link RawJson} values in it keep
   * their text as a slice of {@code json} instead of encoding them again.
   *
   * @throws InvalidRequestException with code {@code invalid_json} when it is not such a value
   */
  public static <T> T readSliced(String json, Class<T> type) {
    try {
      return MAPPER.readerFor(type).withAttribute(RawJson.SOURCE, json).readValue(json);
    } catch (JsonProcessingException e) {
      throw cannotRead(type, e);
    }
  }

  /**
   * The 400 {@code invalid_json} for a body that a parser refused (the same answer as {@link
   * #readTree(byte[])} gives).
   */
  public static InvalidRequestException invalidJson(java.io.IOException e) {
    String msg =
        e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
    return new InvalidRequestException("invalid_json", "body is not valid JSON: " + msg, null, e);
  }

  /** Reads a value of the given type from JSON text. */
  public static <T> T read(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw cannotRead(type, e);
    }
  }

  private static InvalidRequestException cannotRead(Class<?> type, JsonProcessingException e) {
    return new InvalidRequestException(
        "invalid_json",
        "cannot read " + type.getSimpleName() + ": " + e.getOriginalMessage(),
        null,
        e);
  }
}
