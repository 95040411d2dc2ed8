package dev.gale.transfer.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.transfer.testing.S3ProxyServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without static credentials or a region in its options, the stager takes both from the SDK's
 * default chains (here the {@code aws.*} system properties, the chains' first link).
 */
class S3DefaultChainTest {
  private S3ProxyServer s3;
  @TempDir Path local;

  @BeforeEach
  void start() throws Exception {
    s3 = new S3ProxyServer();
    s3.blobStore.createContainer("chain");
    System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
    System.setProperty("aws.region", "eu-west-1");
  }

  @AfterEach
  void stop() throws Exception {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    System.clearProperty("aws.region");
    s3.close();
  }

  @Test
  void takesCredentialsAndRegionFromTheDefaultChains() throws Exception {
    S3StagerOptions options =
        S3StagerOptions.builder().endpoint(s3.endpoint()).pathStyleAccess(true).build();
    assertThat(options.hasStaticCredentials()).isFalse();
    assertThat(options.region()).isNull();

    try (S3Stager stager = new S3Stager(options)) {
      Path out = Files.writeString(local.resolve("x.txt"), "from the chain");
      URI url = URI.create("s3://chain/x.txt");
      stager.stageOut(out, url);
      Path in = local.resolve("back.txt");
      stager.stageIn(url, in);
      assertThat(Files.readString(in)).isEqualTo("from the chain");
    }
  }
}
