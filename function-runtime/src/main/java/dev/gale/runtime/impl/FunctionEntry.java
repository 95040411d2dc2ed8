package dev.gale.runtime.impl;

import dev.gale.api.ErrorInfo;
import dev.gale.api.GaleException;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.protocol.FunctionSpec;
import dev.gale.runtime.spi.FunctionKindRegistry;
import dev.gale.runtime.spi.PreparedFunction;
import java.time.Duration;

/**
 * A function as the agent knows it: its spec and, once a slot needed it, its prepared form (or why
 * it cannot be prepared; specs are immutable, so that answer is kept).
 */
final class FunctionEntry {
  private final FunctionSpec spec;
  private final FunctionKindRegistry kinds;
  private final Duration timeout;
  private volatile PreparedFunction prepared;
  private volatile ErrorInfo invalid;

  FunctionEntry(FunctionSpec spec, FunctionKindRegistry kinds) {
    this.spec = spec;
    this.kinds = kinds;
    Integer seconds = spec.timeoutSeconds();
    this.timeout = seconds == null || seconds <= 0 ? null : Duration.ofSeconds(seconds);
  }

  FunctionSpec spec() {
    return spec;
  }

  /** The function's bound on one attempt, or null. */
  Duration timeout() {
    return timeout;
  }

  /**
   * The prepared function, preparing it on first use (on the calling slot thread).
   *
   * @throws GaleException with code {@code invalid_function} when the kind is unknown or rejects
   *     the spec
   */
  PreparedFunction prepared() {
    PreparedFunction p = prepared;
    if (p != null) {
      return p;
    }
    synchronized (this) {
      if (prepared != null) {
        return prepared;
      }
      if (invalid != null) {
        throw new InvalidRequestException(invalid.code(), invalid.message(), invalid.details());
      }
      try {
        prepared = kinds.get(spec.kind()).prepare(spec);
        return prepared;
      } catch (GaleException e) {
        invalid = e.toErrorInfo();
        throw e;
      }
    }
  }
}
