package dev.gale.cli.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Writes secrets to files readable only by their owner. */
public final class TokenFile {
  private TokenFile() {}

  /**
   * Writes {@code secret} to {@code file} with mode 0600, replacing it atomically; creates the
   * parent directories (mode 0700 when new). The file is never readable by others, not even
   * briefly.
   */
  public static void write(Path file, String secret) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      try {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (FileAlreadyExistsException e) {
        // raced with another creator
      } catch (UnsupportedOperationException e) {
        Files.createDirectories(dir);
      }
    }
    Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rw-------");
    Path tmp;
    try {
      tmp =
          Files.createTempFile(dir, ".token", ".tmp", PosixFilePermissions.asFileAttribute(owner));
    } catch (UnsupportedOperationException e) {
      tmp = Files.createTempFile(dir, ".token", ".tmp");
    }
    try {
      Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    try {
      Files.setPosixFilePermissions(file, owner);
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
  }
}
