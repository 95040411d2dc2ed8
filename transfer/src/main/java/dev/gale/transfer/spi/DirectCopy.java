package dev.gale.transfer.spi;

import java.net.URI;

/**
 * A stager that can copy between two URLs itself, without the data passing through this node (a
 * Globus transfer between two collections, a server-side copy). The copy engine asks {@link
 * #copiesDirectly} first and streams through a local file only when it says no.
 *
 * <p>Same threading and failure contract as {@link Stager}; an interrupted thread stops the copy
 * (cancelling it at the remote service where there is one) and fails with reason {@code CANCELLED}.
 */
public interface DirectCopy {

  /** True when {@link #copyDirectly} can copy {@code source} to {@code destination}. */
  boolean copiesDirectly(URI source, URI destination);

  /**
   * Copies {@code source} to {@code destination}, replacing what is there; with {@code recursive},
   * everything below the source directory or prefix to the same relative paths below the
   * destination.
   *
   * @param progress told of progress as the remote service reports it, from the calling thread
   * @return the bytes copied
   */
  long copyDirectly(URI source, URI destination, boolean recursive, CopyProgress progress);

  /** Progress of a copy as far as it is known; totals are -1 while unknown. */
  @FunctionalInterface
  interface CopyProgress {
    /** Called from the copying thread; must not block. */
    void update(long bytesDone, long bytesTotal, long filesDone, long filesTotal);

    /** A listener that ignores everything. */
    static CopyProgress none() {
      return (bytesDone, bytesTotal, filesDone, filesTotal) -> {};
    }
  }
}
