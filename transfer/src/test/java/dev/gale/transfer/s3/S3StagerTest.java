package dev.gale.transfer.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.transfer.StagingException;
import dev.gale.transfer.testing.S3ProxyServer;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** What the S3 stager adds to the contract: multipart uploads and parallel ranged downloads. */
class S3StagerTest {
  private static final int MIB = 1024 * 1024;
  private static S3ProxyServer s3;
  private static S3Stager stager;
  private static S3AsyncClient raw;

  @TempDir Path local;

  @BeforeAll
  static void start() throws Exception {
    s3 = new S3ProxyServer();
    s3.blobStore.createContainer("big");
    // 5 MiB parts above 8 MiB: a 21 MiB file goes in 5 parts, 4 at a time
    stager =
        new S3Stager(
            s3.options()
                .multipartThresholdBytes(8L * MIB)
                .partSizeBytes(5L * MIB)
                .maxConcurrency(4)
                .build());
    raw =
        S3AsyncClient.builder()
            .endpointOverride(s3.endpoint())
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    raw.close();
    stager.close();
    s3.close();
  }

  @Test
  void roundTripsA21MiBFileInPartsWithAMatchingSha256() throws Exception {
    Path out = local.resolve("big.bin");
    writeRandom(out, 21 * MIB + 12345, 7);
    URI url = URI.create("s3://big/runs/1/big.bin");

    assertThat(stager.stageOut(out, url)).isEqualTo(Files.size(out));

    HeadObjectResponse head = raw.headObject(b -> b.bucket("big").key("runs/1/big.bin")).join();
    assertThat(head.contentLength()).isEqualTo(Files.size(out));
    assertThat(head.eTag()).as("a multipart ETag ends in -<parts>").matches("\"?[0-9a-f]+-5\"?");

    Path in = local.resolve("back/big.bin");
    assertThat(stager.stageIn(url, in)).isEqualTo(Files.size(out));
    assertThat(sha256(in)).isEqualTo(sha256(out));
  }

  @Test
  void downloadsAFileJustAboveTheThresholdInRanges() throws Exception {
    Path out = local.resolve("edge.bin");
    writeRandom(out, 8 * MIB + 1, 8);
    URI url = URI.create("s3://big/edge.bin");
    stager.stageOut(out, url);

    Path in = local.resolve("edge-back.bin");
    stager.stageIn(url, in);
    assertThat(sha256(in)).isEqualTo(sha256(out));
  }

  @Test
  void stagingOutToAMissingBucketFailsNamingIt() throws Exception {
    Path out = Files.writeString(local.resolve("x"), "x");

    assertThatThrownBy(() -> stager.stageOut(out, URI.create("s3://no-such-bucket/x")))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("s3://no-such-bucket/x")
        .hasMessageContaining("NoSuchBucket");
  }

  @Test
  void refusesAUrlWithoutAKey() {
    assertThatThrownBy(() -> stager.stageIn(URI.create("s3://big/"), local.resolve("x")))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("needs a bucket and a key");
  }

  @Test
  void failsAfterClose() throws Exception {
    S3Stager closed = new S3Stager(s3.options().build());
    closed.close();
    assertThatThrownBy(() -> closed.stageIn(URI.create("s3://big/x"), local.resolve("x")))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("closed");
  }

  private static void writeRandom(Path file, int size, long seed) throws Exception {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    Files.write(file, b);
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
