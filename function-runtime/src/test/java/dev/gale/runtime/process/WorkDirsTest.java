package dev.gale.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkDirsTest {
  @TempDir Path dir;

  @Test
  void anEmptyDirectoryAndAFullTreeAreBothDeleted() throws Exception {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    WorkDirs.deleteTree(empty);
    assertThat(empty).doesNotExist();

    Path full = Files.createDirectories(dir.resolve("full/a/b"));
    Files.writeString(full.resolve("f.txt"), "x");
    Files.writeString(dir.resolve("full/g.txt"), "y");
    WorkDirs.deleteTree(dir.resolve("full"));
    assertThat(dir.resolve("full")).doesNotExist();
  }

  @Test
  void aMissingDirectoryIsNoError() {
    WorkDirs.deleteTree(dir.resolve("never-made"));
    assertThat(dir).exists();
  }

  @Test
  void linksAreRemovedButNotFollowed() throws Exception {
    Path outside = Files.createDirectory(dir.resolve("outside"));
    Files.writeString(outside.resolve("keep.txt"), "keep");
    Path work = Files.createDirectory(dir.resolve("work"));
    Files.createSymbolicLink(work.resolve("link"), outside);
    WorkDirs.deleteTree(work);
    assertThat(work).doesNotExist();
    assertThat(outside.resolve("keep.txt")).hasContent("keep");

    Path rootLink = Files.createSymbolicLink(dir.resolve("root-link"), outside);
    WorkDirs.deleteTree(rootLink);
    assertThat(rootLink).doesNotExist();
    assertThat(outside.resolve("keep.txt")).hasContent("keep");
  }
}
