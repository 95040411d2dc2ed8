package dev.gale.api;

import com.fasterxml.jackson.databind.JsonNode;

/** No token, or a token that is not known (HTTP 401). */
public class UnauthorizedException extends GaleException {

  public UnauthorizedException(String message) {
    this("unauthorized", message, null);
  }

  public UnauthorizedException(String code, String message, JsonNode details) {
    super(code, message, details, null);
  }

  public UnauthorizedException(String code, String message, JsonNode details, Throwable cause) {
    super(code, message, details, cause);
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
