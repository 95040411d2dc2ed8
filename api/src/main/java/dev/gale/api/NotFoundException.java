package dev.gale.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The named function, task, artifact or pool does not exist or is not visible to the caller (HTTP
 * 404).
 */
public class NotFoundException extends GaleException {

  public NotFoundException(String message) {
    this("not_found", message, null);
  }

  public NotFoundException(String code, String message, JsonNode details) {
    super(code, message, details, null);
  }

  public NotFoundException(String code, String message, JsonNode details, Throwable cause) {
    super(code, message, details, cause);
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
