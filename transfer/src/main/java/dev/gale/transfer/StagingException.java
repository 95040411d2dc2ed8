package dev.gale.transfer;

import dev.gale.api.GaleException;

/** A transfer failed or was refused; the task fails with code {@code staging_failed}. */
public class StagingException extends GaleException {
  private final boolean retryable;

  public StagingException(String message, boolean retryable, Throwable cause) {
    super("staging_failed", message, null, cause);
    this.retryable = retryable;
  }

  @Override
  public boolean isRetryable() {
    return retryable;
  }
}
