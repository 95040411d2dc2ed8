package dev.gale.scaler.kubernetes;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.MockServerExpectation;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.util.ClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's Kubernetes API mock server in CRUD mode on loopback (with expectations taking
 * precedence, for canned errors), and an official-client {@link CoreV1Api} to it for the test's own
 * checks and for playing the kubelet.
 */
final class MockKubernetes implements AutoCloseable {
  // the mock logs every request at INFO through java.util.logging; held so the level sticks
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final boolean https;

  private MockKubernetes(boolean https) {
    this.https = https;
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            https);
    server.init(InetAddress.getLoopbackAddress(), 0);
  }

  /** A plain-HTTP server. */
  static MockKubernetes http() {
    return new MockKubernetes(false);
  }

  /** An HTTPS server with a self-signed certificate for {@code localhost} (see {@link #caFile}). */
  static MockKubernetes https() {
    return new MockKubernetes(true);
  }

  /** The base URL, without a trailing slash. */
  String url() {
    String u = server.url("/");
    return u.substring(0, u.length() - 1);
  }

  int port() {
    return server.getPort();
  }

  /** The PEM certificate of an HTTPS server. */
  Path caFile() {
    return Path.of(server.getSelfSignedCertificate().certificatePath());
  }

  /** Canned responses, matched before the CRUD store. */
  MockServerExpectation expect() {
    return server.expect();
  }

  int requestCount() {
    return server.getRequestCount();
  }

  KubernetesMockServer server() {
    return server;
  }

  /** A client for the test itself. */
  CoreV1Api api() {
    try {
      ClientBuilder b = new ClientBuilder().setBasePath(url());
      if (https) {
        b.setCertificateAuthority(Files.readAllBytes(caFile()));
      }
      ApiClient c = b.build();
      return new CoreV1Api(c);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.destroy();
  }
}
