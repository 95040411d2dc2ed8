package dev.gale.helm;

import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Kubernetes API server the chart's {@code lookup} calls reach while helm-java renders it: the
 * fabric8 mock in CRUD mode, on loopback, named in the kubeconfig file that surefire's {@code
 * $KUBECONFIG} points to. helm-java's template runs Helm's install in a dry run that still talks to
 * the cluster, so without it a lookup would dial whatever listens on localhost:8080.
 *
 * <p>One server per test JVM, started on first use; tests that put objects in it use their own
 * release namespace so that they do not see each other's objects.
 */
final class KubeApi {
  private static KubernetesMockServer server;

  /** Held so that the level set on it stays (JUL keeps loggers weakly). */
  private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  private KubeApi() {}

  /** Starts the server once and writes the kubeconfig; later calls return at once. */
  static synchronized void ensureStarted() {
    if (server != null) {
      return;
    }
    MOCK_LOG.setLevel(Level.WARNING);
    // CRUD mode (objects are stored and served back) plus the expectations set below
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    KubernetesMockServer s =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new KubernetesMixedDispatcher(expectations),
            false);
    s.init(InetAddress.getLoopbackAddress(), 0);
    // Helm maps a kind to its resource through discovery before it reads an object
    // (client-go asks with a timeout parameter, which is part of the path the mock matches)
    s.expect()
        .get()
        .withPath("/api/v1?timeout=32s")
        .andReturn(
            200,
            new APIResourceListBuilder()
                .withGroupVersion("v1")
                .addToResources(
                    new APIResourceBuilder()
                        .withName("secrets")
                        .withKind("Secret")
                        .withNamespaced(true)
                        .withVerbs("create", "delete", "get", "list", "update")
                        .build())
                .build())
        .always();
    Path kubeconfig = Path.of(System.getProperty("gale.kubeconfig", "target/kubeconfig"));
    String url = "http://127.0.0.1:" + s.getPort();
    try {
      Files.createDirectories(kubeconfig.toAbsolutePath().getParent());
      Files.writeString(
          kubeconfig,
          """
          apiVersion: v1
          kind: Config
          clusters:
            - name: mock
              cluster:
                server: %s
          contexts:
            - name: mock
              context:
                cluster: mock
                user: test
          current-context: mock
          users:
            - name: test
              user:
                token: test
          """
              .formatted(url));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(s::destroy, "kube-api-mock-stop"));
    server = s;
  }

  /** Stores a Secret as if a previous release had created it. */
  static void putSecret(String namespace, String name, Map<String, String> data) {
    ensureStarted();
    StringBuilder json = new StringBuilder();
    json.append("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"")
        .append(name)
        .append("\",\"namespace\":\"")
        .append(namespace)
        .append("\"},\"type\":\"Opaque\",\"data\":{");
    String sep = "";
    for (Map.Entry<String, String> e : data.entrySet()) {
      json.append(sep)
          .append('"')
          .append(e.getKey())
          .append("\":\"")
          .append(Base64.getEncoder().encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)))
          .append('"');
      sep = ",";
    }
    json.append("}}");
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(server.url("/api/v1/namespaces/" + namespace + "/secrets")))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json.toString()))
            .build();
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 201 && response.statusCode() != 200) {
        throw new IllegalStateException(
            "creating secret " + name + ": " + response.statusCode() + " " + response.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
