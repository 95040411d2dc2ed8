package dev.gale.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gale.transfer.spi.Stager;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link Stager} must do, whatever its scheme. Each implementation's test extends this
 * class once, against a real peer (a directory, an HTTP server, S3Proxy), and adds its own cases.
 */
public abstract class StagerContract {
  /** A password that must never show in a message. */
  protected static final String SECRET = "s3cr3t-Pa55w0rd";

  private static final AtomicInteger NAMES = new AtomicInteger();

  /** The worker-side directory that files are staged into and out of. */
  @TempDir protected Path local;

  /** The stager under test. */
  protected abstract Stager stager();

  /** A URL where nothing has been written yet; each call returns a different one. */
  protected abstract URI freshUrl(String name);

  /** The URL with user info added. Override where the scheme puts it elsewhere. */
  protected URI withUserInfo(URI url, String userInfo) {
    try {
      return new URI(
          url.getScheme(),
          userInfo,
          url.getHost(),
          url.getPort(),
          url.getPath(),
          url.getQuery(),
          url.getFragment());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** A unique, readable name for a test object. */
  protected static String unique(String name) {
    return name + "-" + NAMES.incrementAndGet();
  }

  /** Deterministic bytes for a test file. */
  protected static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void servesTheSchemeOfItsUrls() {
    assertThat(stager().schemes()).contains(freshUrl("scheme").getScheme());
  }

  @Test
  void roundTripsASmallFile() throws Exception {
    byte[] data = bytes(10_000, 1);
    Path out = Files.write(local.resolve("out.bin"), data);
    URI url = freshUrl("small");

    assertThat(stager().stageOut(out, url)).isEqualTo(data.length);
    Path in = local.resolve("in/small.bin");
    assertThat(stager().stageIn(url, in)).isEqualTo(data.length);
    assertThat(Files.readAllBytes(in)).isEqualTo(data);
  }

  @Test
  void roundTripsAnEmptyFile() throws Exception {
    Path out = Files.write(local.resolve("empty"), new byte[0]);
    URI url = freshUrl("empty");

    assertThat(stager().stageOut(out, url)).isZero();
    Path in = local.resolve("in/empty");
    assertThat(stager().stageIn(url, in)).isZero();
    assertThat(in).exists().isEmptyFile();
  }

  @Test
  void stageOutReplacesWhatIsAlreadyThere() throws Exception {
    URI url = freshUrl("overwrite");
    stager().stageOut(Files.writeString(local.resolve("v1"), "first version, longer"), url);
    stager().stageOut(Files.writeString(local.resolve("v2"), "second"), url);

    Path in = local.resolve("in/overwrite");
    stager().stageIn(url, in);
    assertThat(Files.readString(in)).isEqualTo("second");
  }

  @Test
  void stageInReplacesAnExistingLocalFileAndLeavesNoPartFiles() throws Exception {
    URI url = freshUrl("replace");
    stager().stageOut(Files.writeString(local.resolve("src"), "fresh"), url);
    Path dir = Files.createDirectories(local.resolve("in"));
    Path in = Files.writeString(dir.resolve("replace"), "stale content that is longer");

    stager().stageIn(url, in);
    assertThat(Files.readString(in)).isEqualTo("fresh");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(in);
    }
  }

  @Test
  void missingSourceFailsNamingTheRedactedUrl() {
    URI url = freshUrl("missing");
    Path in = local.resolve("in/missing");

    assertThatThrownBy(() -> stager().stageIn(url, in))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining(Stagers.redact(url))
        .satisfies(e -> assertThat(((StagingException) e).code()).isEqualTo("staging_failed"));
    assertThat(in).doesNotExist();
  }

  @Test
  void stagingOutAMissingLocalFileFails() {
    assertThatThrownBy(() -> stager().stageOut(local.resolve("nothing-here"), freshUrl("never")))
        .isInstanceOf(StagingException.class);
  }

  @Test
  void errorsNeverContainCredentials() {
    URI url = withUserInfo(freshUrl("missing-with-credentials"), "gale-user:" + SECRET);
    assertThat(url.toString()).contains(SECRET);

    StagingException e =
        catchThrowableOfType(
            StagingException.class, () -> stager().stageIn(url, local.resolve("in/x")));
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains(Stagers.redact(url));
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRET);
      assertThat(t.toString()).doesNotContain(SECRET);
    }
    assertThat(e.toErrorInfo().toString()).doesNotContain(SECRET);
  }
}
