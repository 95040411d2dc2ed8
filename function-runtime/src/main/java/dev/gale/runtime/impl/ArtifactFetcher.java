package dev.gale.runtime.impl;

import dev.gale.api.GaleException;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.UnavailableException;
import dev.gale.api.protocol.Artifact;
import dev.gale.runtime.spi.ArtifactSource;
import dev.gale.runtime.spi.ErrorCodes;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * {@link ArtifactSource} over the worker protocol: one outstanding {@code artifactRequest} per
 * digest, shared by all slots waiting for it, sent again after each reconnect until answered.
 */
final class ArtifactFetcher implements ArtifactSource {
  private final ConcurrentHashMap<String, CompletableFuture<byte[]>> pending =
      new ConcurrentHashMap<>();
  private final Consumer<String> request;

  /**
   * @param request sends an {@code artifactRequest} for a digest when connected (never blocks)
   */
  ArtifactFetcher(Consumer<String> request) {
    this.request = request;
  }

  @Override
  public byte[] fetch(String digest, Duration timeout) throws InterruptedException {
    boolean[] created = new boolean[1];
    CompletableFuture<byte[]> future =
        pending.computeIfAbsent(
            digest,
            d -> {
              created[0] = true;
              return new CompletableFuture<>();
            });
    if (created[0]) {
      request.accept(digest);
    }
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      pending.remove(digest, future);
      throw new UnavailableException(
          ErrorCodes.ARTIFACT_UNAVAILABLE,
          "artifact "
              + digest
              + " did not arrive from the gateway within "
              + timeout.toSeconds()
              + " s",
          null);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GaleException g) {
        throw g;
      }
      throw new UnavailableException(
          ErrorCodes.ARTIFACT_UNAVAILABLE, "artifact " + digest + ": " + e.getCause(), null);
    }
  }

  /** An {@code artifact} message arrived. */
  void onArtifact(Artifact artifact) {
    CompletableFuture<byte[]> future = pending.remove(artifact.digest());
    if (future == null) {
      return;
    }
    if (artifact.data() != null) {
      future.complete(artifact.data());
    } else {
      future.completeExceptionally(
          new InvalidRequestException(
              ErrorCodes.INVALID_FUNCTION,
              "the gateway cannot provide artifact "
                  + artifact.digest()
                  + (artifact.error() == null ? "" : ": " + artifact.error()),
              null));
    }
  }

  /** Digests still awaited (sent again after a reconnect). */
  Set<String> awaited() {
    return Set.copyOf(pending.keySet());
  }
}
