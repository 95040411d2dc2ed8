package dev.gale.api;

import com.fasterxml.jackson.databind.JsonNode;

/** The token is known but its role may not do this (HTTP 403). */
public class ForbiddenException extends GaleException {

  public ForbiddenException(String message) {
    this("forbidden", message, null);
  }

  public ForbiddenException(String code, String message, JsonNode details) {
    super(code, message, details, null);
  }

  public ForbiddenException(String code, String message, JsonNode details, Throwable cause) {
    super(code, message, details, cause);
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
