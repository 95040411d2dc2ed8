package dev.gale.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The root of Gale's unchecked exceptions. Each carries a stable machine-readable {@link #code()}
 * (the {@code error.code} of an HTTP error body), a human message, optional JSON details, and
 * whether retrying the same request later may succeed.
 *
 * <p>The gateway turns each subclass into one HTTP status through a single table; nothing else
 * decides statuses.
 */
public abstract class GaleException extends RuntimeException {
  private final String code;
  private final transient JsonNode details;

  protected GaleException(String code, String message, JsonNode details, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.details = details;
  }

  /** A stable snake_case code such as {@code invalid_request} or {@code not_found}. */
  public String code() {
    return code;
  }

  /** Extra structured facts, or null. */
  public JsonNode details() {
    return details;
  }

  /** True when the same request may succeed later (back-pressure, a member not ready). */
  public abstract boolean isRetryable();

  /** The error as the wire shape. */
  public ErrorInfo toErrorInfo() {
    return new ErrorInfo(code, getMessage(), details);
  }
}
