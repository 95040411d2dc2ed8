package dev.gale.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;

/**
 * An error as it appears on the wire: in HTTP error bodies ({@code {"error": ErrorInfo}}) and in a
 * failed task's {@code error}.
 *
 * @param code stable snake_case code, e.g. {@code nonzero_exit}, {@code worker_lost}
 * @param message a human-readable sentence
 * @param details structured extras (exit code and output, traceback, field name), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorInfo(String code, String message, JsonNode details) implements Serializable {

  public static ErrorInfo of(String code, String message) {
    return new ErrorInfo(code, message, null);
  }
}
