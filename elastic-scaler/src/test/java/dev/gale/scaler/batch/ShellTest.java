package dev.gale.scaler.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellTest {
  private static final String NASTY = "it's \"$HOME\" `id` $(id) \\ ; & | * \n next line";

  @TempDir Path dir;

  private final ProcessCommandRunner sh =
      new ProcessCommandRunner(
          ProcessCommandRunner.environment(System.getenv(), List.of(), Map.of()),
          Duration.ofSeconds(20));

  @Test
  void aQuotedWordReachesTheProgramUnchanged() {
    CommandResult r =
        sh.run(List.of("sh", "-c", "printf '%s|' " + Shell.quote(List.of(NASTY, "", "a b"))));
    assertThat(r.stdout()).isEqualTo(NASTY + "||a b|");
  }

  @Test
  void anExportsFileSourcedByTheShellGivesBackTheValues() throws Exception {
    Path env = dir.resolve("x.env");
    Shell.writePrivate(env, Shell.exports(Map.of("B_VAR", NASTY, "A_VAR", "")));
    assertThat(Files.readString(env)).startsWith("export A_VAR=''\nexport B_VAR='it'\\''s");
    CommandResult r =
        sh.run(
            List.of("sh", "-c", ". " + Shell.quote(env.toString()) + "; printf '%s' \"$B_VAR\""));
    assertThat(r.stdout()).isEqualTo(NASTY);
  }

  @Test
  void refusesNamesTheShellCannotSet() {
    assertThatThrownBy(() -> Shell.exports(Map.of("A-B", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'A-B' is not a valid shell name");
  }

  @Test
  void privateFilesAreOwnerOnlyAndNeverOverwritten() throws Exception {
    Path f = dir.resolve("secret");
    Shell.writePrivate(f, "token");
    assertThat(Files.getPosixFilePermissions(f))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> Shell.writePrivate(f, "other"))
        .isInstanceOf(FileAlreadyExistsException.class);
    Path x = dir.resolve("script.sh");
    Shell.writeExecutable(x, "#!/bin/sh\necho hi\n");
    assertThat(Files.getPosixFilePermissions(x))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(sh.run(List.of(x.toString())).stdout()).isEqualTo("hi\n");
  }
}
