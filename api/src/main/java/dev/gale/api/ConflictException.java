package dev.gale.api;

import com.fasterxml.jackson.databind.JsonNode;

/** The request conflicts with the current state, e.g. cancelling a finished task (HTTP 409). */
public class ConflictException extends GaleException {

  public ConflictException(String message) {
    this("conflict", message, null);
  }

  public ConflictException(String code, String message, JsonNode details) {
    super(code, message, details, null);
  }

  public ConflictException(String code, String message, JsonNode details, Throwable cause) {
    super(code, message, details, cause);
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
