package dev.gale.transfer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.GaleException;
import dev.gale.api.Json;
import java.util.Locale;

/**
 * A transfer failed or was refused; the task fails with code {@code staging_failed}. The {@link
 * #reason()} says why in a way callers can act on (a missing object is not retried, a copy job
 * reports it); it is also in the error's details as {@code {"reason": "not_found"}}. Messages name
 * the URL in its {@linkplain Stagers#redact redacted} form only.
 */
public class StagingException extends GaleException {

  /** Why a transfer failed. */
  public enum Reason {
    /** Nothing is at the URL (HTTP 404, S3 NoSuchKey, no such file, Globus NotFound). */
    NOT_FOUND,
    /** The store refused the credentials or the caller's rights (401, 403, consent required). */
    DENIED,
    /** The URL or request is not usable: bad syntax, outside the allowed roots, a directory. */
    INVALID,
    /** The scheme cannot do this operation (listing an http URL). */
    UNSUPPORTED,
    /** The data arrived but does not match its checksum or announced size. */
    CORRUPT,
    /** The object is larger than the configured limit. */
    TOO_LARGE,
    /** The transfer was cancelled or its thread interrupted. */
    CANCELLED,
    /** Anything else: I/O errors, server errors, a failed remote task. */
    FAILED;

    /** The lower-case name used on the wire, e.g. {@code not_found}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final boolean retryable;
  private final Reason reason;

  /** A failure with reason {@link Reason#FAILED}. */
  public StagingException(String message, boolean retryable, Throwable cause) {
    this(Reason.FAILED, message, retryable, cause);
  }

  /** A failure with the given reason. */
  public StagingException(Reason reason, String message, boolean retryable, Throwable cause) {
    super("staging_failed", message, details(reason), cause);
    this.retryable = retryable;
    this.reason = reason;
  }

  private static ObjectNode details(Reason reason) {
    ObjectNode d = Json.object();
    d.put("reason", reason.wireName());
    return d;
  }

  /** Why the transfer failed. */
  public Reason reason() {
    return reason;
  }

  @Override
  public boolean isRetryable() {
    return retryable;
  }
}
