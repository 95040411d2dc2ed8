package dev.gale.transfer.spi;

import dev.gale.transfer.Stagers;
import dev.gale.transfer.StagingException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Moves data between a URL and a local file, for one family of URL schemes. Stagers are chosen by
 * scheme through {@link dev.gale.transfer.Stagers}.
 *
 * <p>Contract: methods may block on I/O and are called from worker threads, never from an event
 * loop; implementations are thread-safe; constructors do no I/O. Failures throw {@link
 * StagingException} naming the URL (never credentials) and the cause, with a {@link
 * StagingException.Reason} ({@code NOT_FOUND} when nothing is at the URL), marked retryable when
 * the same call may succeed later (a timeout, a 503) and not when it cannot (a missing object, a
 * checksum mismatch, a refused path). A download replaces {@code target} only when complete, never
 * leaving a partial file under its name. An interrupted thread makes the call fail soon with reason
 * {@code CANCELLED} rather than retry. A stager that holds connections or threads also implements
 * {@link AutoCloseable}; {@link dev.gale.transfer.Stagers#close()} closes it.
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

  /**
   * Describes the object at {@code url} cheaply: one metadata request, no data. Used to key caches
   * by version and to refuse oversize inputs before downloading them.
   *
   * <p>The default says nothing is known ({@code size} -1, {@code version} null) without any I/O.
   *
   * @throws StagingException with reason {@code NOT_FOUND} when nothing is at the URL, {@code
   *     INVALID} when it names a directory or collection rather than one object
   */
  default ObjectInfo stat(URI url) {
    return new ObjectInfo(-1, null);
  }

  /** True when {@link #list} works for this stager's URLs. The default is false. */
  default boolean supportsListing() {
    return false;
  }

  /**
   * Every object below {@code prefix}, at any depth, sorted by relative path. A prefix is a
   * directory ({@code file}, {@code globus}) or a key prefix ending at a {@code /} boundary ({@code
   * s3}): {@code s3://b/data} lists {@code data/x} but not {@code data2/x}. An empty or missing
   * prefix gives an empty list or fails with {@code NOT_FOUND}, as the store allows.
   *
   * <p>The default fails with reason {@code UNSUPPORTED}.
   */
  default List<ListedObject> list(URI prefix) {
    throw new StagingException(
        StagingException.Reason.UNSUPPORTED,
        "cannot list "
            + Stagers.redact(prefix)
            + ": "
            + prefix.getScheme()
            + " URLs have no listing (copy single objects instead)",
        false,
        null);
  }
}
