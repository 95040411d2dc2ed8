package dev.gale.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.transfer.file.FileStager;
import dev.gale.transfer.spi.Stager;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStagerTest extends StagerContract {
  @TempDir Path root;
  @TempDir Path outside;

  @Override
  protected Stager stager() {
    return new FileStager(List.of(root));
  }

  @Override
  protected URI freshUrl(String name) {
    return root.resolve("store").resolve(unique(name)).toUri();
  }

  @Override
  protected URI withUserInfo(URI url, String userInfo) {
    // file URLs have no user info of their own; put it in an authority, which FileStager refuses
    return URI.create("file://" + userInfo + "@localhost" + url.getRawPath());
  }

  @Test
  void copiesInAndOutWithinTheAllowedRoot() throws Exception {
    Path src = Files.writeString(root.resolve("in.txt"), "hello");
    FileStager s = new FileStager(List.of(root));
    Path local = outside.resolve("work/in.txt");

    assertThat(s.stageIn(src.toUri(), local)).isEqualTo(5);
    assertThat(Files.readString(local)).isEqualTo("hello");
    assertThat(s.stageOut(local, root.resolve("out/copy.txt").toUri())).isEqualTo(5);
    assertThat(Files.readString(root.resolve("out/copy.txt"))).isEqualTo("hello");
  }

  @Test
  void refusesPathsThatEscapeTheRoots() throws Exception {
    Files.writeString(outside.resolve("secret"), "x");
    FileStager s = new FileStager(List.of(root));
    URI escape = URI.create(root.toUri() + "../" + outside.getFileName() + "/secret");

    assertThatThrownBy(() -> s.stageIn(escape, root.resolve("x")))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("outside the allowed roots");
  }

  @Test
  void refusesASymlinkThatPointsOutOfTheRoot() throws Exception {
    Files.writeString(outside.resolve("secret"), "x");
    Files.createSymbolicLink(root.resolve("link"), outside);
    FileStager s = new FileStager(List.of(root));

    assertThatThrownBy(() -> s.stageIn(root.resolve("link/secret").toUri(), root.resolve("y")))
        .isInstanceOf(StagingException.class);
  }

  @Test
  void unknownSchemesFailListingTheKnownOnes() {
    Stagers stagers = new Stagers(List.of(new FileStager(List.of(root))));
    assertThatThrownBy(() -> stagers.forUrl(URI.create("gopher://user:pw@host/x")))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("known: file")
        .hasMessageNotContaining("pw");
    assertThat(stagers.forUrl(URI.create("file:///tmp/x"))).isInstanceOf(FileStager.class);
  }
}
