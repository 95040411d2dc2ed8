package dev.gale.transfer.testing;

import dev.gale.transfer.s3.S3StagerOptions;
import java.net.URI;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * S3Proxy in this JVM on 127.0.0.1 with a free port and an in-memory blob store, with the settings
 * TESTBEDS.md says the AWS SDK needs (unknown headers ignored, so that multipart uploads work).
 * Shipped in this module's test-jar for the gateway's and the command line's tests.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "gale-access";
  public static final String SECRET_KEY = "gale-secret-key";

  public final BlobStore blobStore = new TransientNio2BlobStore();
  private final S3Proxy proxy;

  public S3ProxyServer() throws Exception {
    proxy =
        S3Proxy.builder()
            .blobStore(blobStore)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .ignoreUnknownHeaders(true)
            .build();
    proxy.start();
    if (!proxy.getState().equals("STARTED")) {
      throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  /** Options for a stager that talks to this server. */
  public S3StagerOptions.Builder options() {
    return S3StagerOptions.builder()
        .endpoint(endpoint())
        .region("us-east-1")
        .pathStyleAccess(true)
        .credentials(ACCESS_KEY, SECRET_KEY);
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
  }
}
