package dev.gale.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gale.transfer.StagingException.Reason;
import dev.gale.transfer.spi.ListedObject;
import dev.gale.transfer.spi.ObjectInfo;
import dev.gale.transfer.spi.Stager;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
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

  /**
   * True when the stager's {@link Stager#list} works. The contract then checks listings, else it
   * checks that listing fails clearly with reason {@code UNSUPPORTED}.
   */
  protected boolean listable() {
    return true;
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

  /** The hex SHA-256 of a file, read as a stream. */
  protected static String sha256(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
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
        .satisfies(
            e -> {
              StagingException se = (StagingException) e;
              assertThat(se.code()).isEqualTo("staging_failed");
              assertThat(se.reason()).isEqualTo(Reason.NOT_FOUND);
              assertThat(se.isRetryable()).isFalse();
              assertThat(se.toErrorInfo().details().get("reason").asText()).isEqualTo("not_found");
            });
    assertThat(in).doesNotExist();
  }

  @Test
  void roundTripsALargeFileByStreamingItWithTheSameSha256() throws Exception {
    Path out = local.resolve("large.bin");
    try (var w = Files.newOutputStream(out)) {
      Random r = new Random(3);
      byte[] chunk = new byte[1 << 20];
      for (int i = 0; i < 12; i++) {
        r.nextBytes(chunk);
        w.write(chunk);
      }
      w.write(new byte[] {1, 2, 3});
    }
    URI url = freshUrl("large");

    assertThat(stager().stageOut(out, url)).isEqualTo(Files.size(out));
    Path in = local.resolve("in/large.bin");
    assertThat(stager().stageIn(url, in)).isEqualTo(Files.size(out));
    assertThat(sha256(in)).isEqualTo(sha256(out));
  }

  @Test
  void statGivesTheSizeAndAVersionThatChangesWithTheContent() throws Exception {
    URI url = freshUrl("stat");
    stager().stageOut(Files.writeString(local.resolve("s1"), "version one"), url);
    ObjectInfo first = stager().stat(url);
    assertThat(first.size()).isEqualTo("version one".length());
    assertThat(first.version()).isNotBlank();
    assertThat(stager().stat(url)).isEqualTo(first);

    stager().stageOut(Files.writeString(local.resolve("s2"), "second version!"), url);
    ObjectInfo second = stager().stat(url);
    assertThat(second.size()).isEqualTo("second version!".length());
    assertThat(second.version()).isNotEqualTo(first.version());
  }

  @Test
  void statOfAMissingObjectIsNotFound() {
    URI url = freshUrl("stat-missing");
    assertThatThrownBy(() -> stager().stat(url))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining(Stagers.redact(url))
        .satisfies(e -> assertThat(((StagingException) e).reason()).isEqualTo(Reason.NOT_FOUND));
  }

  @Test
  void listsEverythingBelowAPrefixWithRelativePathsButNotItsSiblings() throws Exception {
    URI prefix = freshUrl("tree");
    assertThat(stager().supportsListing()).isEqualTo(listable());
    if (!listable()) {
      assertThatThrownBy(() -> stager().list(prefix))
          .isInstanceOf(StagingException.class)
          .hasMessageContaining(Stagers.redact(prefix))
          .satisfies(
              e -> assertThat(((StagingException) e).reason()).isEqualTo(Reason.UNSUPPORTED));
      return;
    }
    stager().stageOut(Files.writeString(local.resolve("a"), "aaa"), Urls.child(prefix, "a.txt"));
    stager().stageOut(Files.writeString(local.resolve("b"), "bb"), Urls.child(prefix, "sub/b.txt"));
    URI sibling = URI.create(prefix + "-sibling");
    stager().stageOut(Files.writeString(local.resolve("c"), "c"), Urls.child(sibling, "c.txt"));

    List<ListedObject> listed = stager().list(prefix);

    assertThat(listed).extracting(ListedObject::relativePath).containsExactly("a.txt", "sub/b.txt");
    assertThat(listed).extracting(ListedObject::size).containsExactly(3L, 2L);
    Path back = local.resolve("in/listed-b");
    stager().stageIn(listed.get(1).url(), back);
    assertThat(Files.readString(back)).isEqualTo("bb");
  }

  @Test
  void listingAnEmptyPrefixGivesNothingOrNotFound() {
    if (!listable()) {
      return;
    }
    URI prefix = freshUrl("nothing-below");
    try {
      assertThat(stager().list(prefix)).isEmpty();
    } catch (StagingException e) {
      assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND);
      assertThat(e.getMessage()).contains(Stagers.redact(prefix));
    }
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
