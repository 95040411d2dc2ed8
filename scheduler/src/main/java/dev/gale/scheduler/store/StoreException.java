package dev.gale.scheduler.store;

import dev.gale.api.UnavailableException;

/**
 * The database could not be reached or refused an operation, or a stored row cannot be read. The
 * message names the store (URL or directory, never the password) and the cause.
 */
public class StoreException extends UnavailableException {

  public StoreException(String message, Throwable cause) {
    super("store_unavailable", message, null, cause);
  }
}
