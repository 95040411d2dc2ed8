package dev.gale.gateway.testing;

import java.net.URI;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * S3Proxy in this JVM on 127.0.0.1 with a free port and an in-memory blob store (as the transfer
 * module's tests run it; unknown headers ignored, as TESTBEDS.md says the AWS SDK needs).
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "gale-access";
  public static final String SECRET_KEY = "gale-secret-key";

  public final BlobStore blobStore = new TransientNio2BlobStore();
  private final S3Proxy proxy;

  public S3Server() throws Exception {
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

  @Override
  public void close() throws Exception {
    proxy.stop();
  }
}
