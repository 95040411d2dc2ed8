package dev.gale.api;

import com.fasterxml.jackson.databind.JsonNode;

/** The request is malformed or breaks the schema (HTTP 400). The message names the field. */
public class InvalidRequestException extends GaleException {

  public InvalidRequestException(String message) {
    this("invalid_request", message, null);
  }

  public InvalidRequestException(String code, String message, JsonNode details) {
    super(code, message, details, null);
  }

  public InvalidRequestException(String code, String message, JsonNode details, Throwable cause) {
    super(code, message, details, cause);
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
