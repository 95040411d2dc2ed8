package dev.gale.transfer.s3;

import dev.gale.transfer.StagerContract;
import dev.gale.transfer.spi.Stager;
import dev.gale.transfer.testing.S3ProxyServer;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The stager contract against S3Proxy. */
class S3StagerContractTest extends StagerContract {
  private static S3ProxyServer s3;
  private static S3Stager stager;

  @BeforeAll
  static void start() throws Exception {
    s3 = new S3ProxyServer();
    s3.blobStore.createContainer("contract");
    stager = new S3Stager(s3.options().build());
  }

  @AfterAll
  static void stop() throws Exception {
    stager.close();
    s3.close();
  }

  @Override
  protected Stager stager() {
    return stager;
  }

  @Override
  protected URI freshUrl(String name) {
    return URI.create("s3://contract/dir/" + unique(name));
  }
}
