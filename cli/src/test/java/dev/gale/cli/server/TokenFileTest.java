package dev.gale.cli.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
  @TempDir Path dir;

  @Test
  void writesTheSecretOwnerOnlyCreatingDirectoriesAndReplacingAnOldOne() throws Exception {
    Path file = dir.resolve("home/.gale/token");
    TokenFile.write(file, "gale_first");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    TokenFile.write(file, "gale_second");
    assertThat(Files.readString(file)).isEqualTo("gale_second\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    try (var s = Files.list(file.getParent())) {
      assertThat(s).containsExactly(file); // no temporary files left
    }
  }
}
