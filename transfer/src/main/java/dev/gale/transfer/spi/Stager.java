package dev.gale.transfer.spi;

import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/**
 * Moves data between a URL and a local file, for one family of URL schemes. Stagers are chosen by
 * scheme through {@link dev.gale.transfer.Stagers}.
 *
 * <p>Contract: methods may block on I/O and are called from worker threads, never from an event
 * loop; implementations are thread-safe; constructors do no I/O. Failures throw {@link
 * dev.gale.transfer.StagingException} naming the URL (never credentials) and the cause, marked
 * retryable when the same call may succeed later (a timeout, a 503) and not when it cannot (a
 * missing object, a checksum mismatch, a refused path). A download replaces {@code target} only
 * when complete, never leaving a partial file under its name. A stager that holds connections or
 * threads also implements {@link AutoCloseable}; {@link dev.gale.transfer.Stagers#close()} closes
 * it.
 */
public interface Stager {

  /** The URL schemes this stager serves, lower case (e.g. {@code file}, {@code s3}). */
  Set<String> schemes();

  /**
   * Copies the object at {@code source} to {@code target}, replacing it.
   *
   * @return the number of bytes written
   */
  long stageIn(URI source, Path target);

  /**
   * Copies the local file {@code source} to {@code destination}, replacing what is there.
   *
   * @return the number of bytes written
   */
  long stageOut(Path source, URI destination);
}
