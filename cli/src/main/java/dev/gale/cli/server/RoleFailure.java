package dev.gale.cli.server;

import dev.gale.api.GaleException;

/** A role could not start (a port is taken, the scheduler is unreachable). */
final class RoleFailure extends GaleException {
  RoleFailure(String code, String message, Throwable cause) {
    super(code, message, null, cause);
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
