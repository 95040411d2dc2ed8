package dev.gale.runtime.spi;

import java.time.Duration;

/**
 * Fetches uploaded JARs by digest; the node agent implements it over the worker protocol ({@code
 * artifactRequest} / {@code artifact}).
 *
 * <p><b>Threading.</b> Thread-safe; {@link #fetch} blocks the calling slot thread until the bytes
 * arrive. Concurrent fetches of one digest share one request.
 */
@FunctionalInterface
public interface ArtifactSource {

  /** A source that knows no artifact (for runtimes without a gateway connection). */
  ArtifactSource NONE =
      (digest, timeout) -> {
        throw new dev.gale.api.InvalidRequestException(
            ErrorCodes.INVALID_FUNCTION, "artifact " + digest + " is not available here", null);
      };

  /**
   * The bytes of an artifact, as uploaded. The caller verifies the digest.
   *
   * @param digest {@code sha256:<64 lowercase hex>}
   * @param timeout how long to wait, including while the agent reconnects
   * @return the bytes, never null
   * @throws dev.gale.api.InvalidRequestException with code {@code invalid_function} when the
   *     gateway does not know the artifact
   * @throws dev.gale.api.UnavailableException with code {@code artifact_unavailable} when it did
   *     not arrive in time
   * @throws InterruptedException when the calling thread is interrupted (the attempt was cancelled)
   */
  byte[] fetch(String digest, Duration timeout) throws InterruptedException;
}
