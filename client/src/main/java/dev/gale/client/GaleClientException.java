package dev.gale.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.GaleException;

/**
 * A request to the Gale HTTP API failed: the service answered with an error body ({@code {"error":
 * {code, message, details}}}) or could not be reached.
 *
 * <p>{@link #status()} is the HTTP status, or 0 when no response arrived (then the code is {@code
 * connection_failed} or {@code timeout}). {@link #code()} is the service's stable error code, or
 * {@code http_<status>} when the body was not a Gale error.
 */
public class GaleClientException extends GaleException {
  private final int status;

  public GaleClientException(int status, String code, String message, JsonNode details) {
    this(status, code, message, details, null);
  }

  public GaleClientException(
      int status, String code, String message, JsonNode details, Throwable cause) {
    super(code, message, details, cause);
    this.status = status;
  }

  /** The HTTP status, or 0 when the service gave no answer. */
  public int status() {
    return status;
  }

  /** True for back-pressure (429), unavailability (503) and failures to connect. */
  @Override
  public boolean isRetryable() {
    return status == 0 || status == 429 || status == 502 || status == 503 || status == 504;
  }
}
