package dev.gale.api;

/** Queues are full (HTTP 429 with {@code Retry-After}); slow down and retry. */
public class BackPressureException extends GaleException {
  private final int retryAfterSeconds;

  public BackPressureException(String message, int retryAfterSeconds) {
    super("back_pressure", message, null, null);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** How long the caller should wait before retrying. */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
