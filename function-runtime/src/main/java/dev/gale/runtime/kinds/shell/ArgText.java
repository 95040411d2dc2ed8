package dev.gale.runtime.kinds.shell;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.gale.api.Json;
import dev.gale.api.RawJson;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The string form of top-level arguments, as placeholders use them: strings as they are, numbers,
 * booleans and {@code null} as their JSON text exactly as sent (so {@code 1.50} stays {@code
 * 1.50}), objects and arrays as compact JSON.
 */
public final class ArgText {
  private static final JsonFactory FACTORY = Json.mapper().getFactory();

  private ArgText() {}

  /** Thrown when the args are not a JSON object. */
  public static final class NotAnObjectException extends Exception {
    NotAnObjectException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Extracts the string forms of the wanted names (others are skipped without building them).
   *
   * @throws NotAnObjectException when {@code args} is not a JSON object
   */
  public static Map<String, String> of(RawJson args, Set<String> wanted)
      throws NotAnObjectException {
    Map<String, String> values = new HashMap<>();
    try (JsonParser p = FACTORY.createParser(args.json())) {
      JsonToken first = p.nextToken();
      if (first == JsonToken.VALUE_NULL) {
        return values;
      }
      if (first != JsonToken.START_OBJECT) {
        throw new NotAnObjectException("args must be a JSON object, got " + describe(first));
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (!wanted.contains(name)) {
          p.skipChildren();
          continue;
        }
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          values.put(name, Json.mapper().readTree(p).toString());
        } else {
          values.put(name, p.getText());
        }
      }
      return values;
    } catch (IOException e) {
      throw new NotAnObjectException("args are not valid JSON: " + e.getMessage());
    }
  }

  private static String describe(JsonToken token) {
    if (token == null) {
      return "nothing";
    }
    return switch (token) {
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      default -> token.toString();
    };
  }
}
