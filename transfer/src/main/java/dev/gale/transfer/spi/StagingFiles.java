package dev.gale.transfer.spi;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Helpers for stagers that download: data goes to a hidden part file beside the target and is moved
 * over the target only when complete and verified, so that a reader never sees a half written file
 * under the target's name.
 */
public final class StagingFiles {
  private StagingFiles() {}

  /**
   * Creates an empty part file in the target's directory (creating the directory if needed). The
   * caller deletes it when the transfer fails.
   */
  public static Path newPartFile(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    return Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
  }

  /** Moves a complete part file over the target, atomically where the file system allows it. */
  public static void commit(Path part, Path target) throws IOException {
    try {
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Deletes a part file left by a failed transfer; never throws. */
  public static void discard(Path part) {
    if (part == null) {
      return;
    }
    try {
      Files.deleteIfExists(part);
    } catch (IOException ignored) {
      // best effort: a leftover hidden .part file is harmless and is replaced next time
    }
  }

  /**
   * The size of a local file about to be staged out.
   *
   * @param destination the (redacted) destination, for the error message
   * @throws dev.gale.transfer.StagingException when the file is missing or unreadable
   */
  public static long sizeOfSource(Path source, Object destination) {
    try {
      return Files.size(source);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new dev.gale.transfer.StagingException(
          "no local file " + source + " to stage out to " + destination, false, e);
    } catch (IOException e) {
      throw new dev.gale.transfer.StagingException(
          "cannot read " + source + " to stage out to " + destination, false, e);
    }
  }
}
