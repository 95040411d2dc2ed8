package dev.gale.api;

import com.fasterxml.jackson.databind.JsonNode;

/** The service is starting, stopping or lost its scheduler (HTTP 503); retry later. */
public class UnavailableException extends GaleException {

  public UnavailableException(String message) {
    this("unavailable", message, null);
  }

  public UnavailableException(String code, String message, JsonNode details) {
    super(code, message, details, null);
  }

  public UnavailableException(String code, String message, JsonNode details, Throwable cause) {
    super(code, message, details, cause);
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
