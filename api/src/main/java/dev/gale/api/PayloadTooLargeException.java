package dev.gale.api;

import com.fasterxml.jackson.databind.JsonNode;

/** A body, argument or result exceeds a configured limit (HTTP 413). */
public class PayloadTooLargeException extends GaleException {

  public PayloadTooLargeException(String message) {
    this("too_large", message, null);
  }

  public PayloadTooLargeException(String code, String message, JsonNode details) {
    super(code, message, details, null);
  }

  public PayloadTooLargeException(String code, String message, JsonNode details, Throwable cause) {
    super(code, message, details, cause);
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
