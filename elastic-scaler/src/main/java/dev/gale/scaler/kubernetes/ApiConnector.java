package dev.gale.scaler.kubernetes;

import dev.gale.scaler.ProviderException;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.credentials.TokenFileAuthentication;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the API server and the namespace, in this order:
 *
 * <ol>
 *   <li>an explicit {@code apiServer} option (with its optional {@code tokenFile}, {@code caFile},
 *       {@code insecureSkipTlsVerify});
 *   <li>the in-cluster configuration when running in a pod ({@code KUBERNETES_SERVICE_HOST} set and
 *       a service-account token mounted): the pod's service account, re-reading its rotating token;
 *   <li>the kubeconfig: the first existing file of {@code $KUBECONFIG}, else {@code
 *       ~/.kube/config}, with its current context.
 * </ol>
 *
 * The namespace is the {@code namespace} option, else the pod's own (in-cluster) or the kubeconfig
 * context's, else {@code default}. Nothing found is a non-retryable {@link ProviderException}
 * saying what was looked for. This does I/O (reads files), so the provider calls it on first use.
 */
final class ApiConnector {
  /** Where Kubernetes mounts a pod's service-account token, CA and namespace. */
  static final Path SERVICE_ACCOUNT_DIR = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

  private static final int CONNECT_TIMEOUT_MS = 10_000;
  private static final int READ_TIMEOUT_MS = 30_000;

  /**
   * A client and the namespace it works in.
   *
   * @param source where the configuration came from, for logs and messages
   */
  record Connection(ApiClient client, String namespace, String source) {}

  private final KubernetesOptions options;
  private final Map<String, String> env;
  private final Path home;
  private final Path serviceAccountDir;

  ApiConnector(
      KubernetesOptions options, Map<String, String> env, Path home, Path serviceAccountDir) {
    this.options = options;
    this.env = env;
    this.home = home;
    this.serviceAccountDir = serviceAccountDir;
  }

  /** A connector that reads the process environment and the user's home. */
  static ApiConnector fromEnvironment(KubernetesOptions options) {
    return new ApiConnector(
        options, System.getenv(), Path.of(System.getProperty("user.home")), SERVICE_ACCOUNT_DIR);
  }

  /** Resolves the configuration and builds a client (reads files, opens no connection). */
  Connection connect() {
    try {
      Connection c = resolve();
      c.client().setConnectTimeout(CONNECT_TIMEOUT_MS);
      c.client().setReadTimeout(READ_TIMEOUT_MS);
      c.client().setWriteTimeout(READ_TIMEOUT_MS);
      return c;
    } catch (IOException | RuntimeException e) {
      if (e instanceof ProviderException p) {
        throw p;
      }
      throw new ProviderException(
          "cannot configure the Kubernetes client: " + e.getMessage(), false, e);
    }
  }

  private Connection resolve() throws IOException {
    KubernetesOptions.ApiServer explicit = options.apiServer();
    if (explicit != null) {
      return explicit(explicit);
    }
    String host = env.get("KUBERNETES_SERVICE_HOST");
    String port = env.get("KUBERNETES_SERVICE_PORT");
    Path token = serviceAccountDir.resolve("token");
    if (host != null && !host.isBlank() && port != null && Files.isReadable(token)) {
      return inCluster(host, port, token);
    }
    Optional<Path> kubeconfig = kubeconfig();
    if (kubeconfig.isPresent()) {
      return fromKubeconfig(kubeconfig.get());
    }
    throw new ProviderException(
        "no Kubernetes API configured: not running in a pod (no KUBERNETES_SERVICE_HOST and "
            + token
            + "), no file in $KUBECONFIG, no "
            + home.resolve(".kube/config")
            + "; set options.apiServer",
        false,
        null);
  }

  private Connection explicit(KubernetesOptions.ApiServer s) throws IOException {
    ClientBuilder b =
        new ClientBuilder()
            .setBasePath(stripSlash(s.url().toString()))
            .setVerifyingSsl(!s.insecureSkipTlsVerify());
    if (s.caFile() != null) {
      b.setCertificateAuthority(readOption("caFile", s.caFile()));
    }
    if (s.tokenFile() != null) {
      readOption("tokenFile", s.tokenFile());
      b.setAuthentication(new TokenFileAuthentication(s.tokenFile().toString()));
    }
    return new Connection(b.build(), namespaceOr("default"), "options.apiServer " + s.url());
  }

  private Connection inCluster(String host, String port, Path token) throws IOException {
    String h = host.contains(":") ? "[" + host + "]" : host;
    ClientBuilder b =
        new ClientBuilder()
            .setBasePath("https://" + h + ":" + port)
            .setAuthentication(new TokenFileAuthentication(token.toString()));
    Path ca = serviceAccountDir.resolve("ca.crt");
    if (Files.isReadable(ca)) {
      b.setCertificateAuthority(Files.readAllBytes(ca));
    }
    Path nsFile = serviceAccountDir.resolve("namespace");
    String podNamespace =
        Files.isReadable(nsFile) ? Files.readString(nsFile, StandardCharsets.UTF_8).strip() : "";
    return new Connection(
        b.build(),
        namespaceOr(podNamespace.isEmpty() ? "default" : podNamespace),
        "in-cluster service account");
  }

  private Connection fromKubeconfig(Path file) throws IOException {
    KubeConfig kc;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      kc = KubeConfig.loadKubeConfig(r);
    }
    // relative certificate paths in a kubeconfig are relative to its file
    kc.setFile(file.toFile());
    String contextNamespace = kc.getNamespace();
    ApiClient client = ClientBuilder.kubeconfig(kc).build();
    return new Connection(
        client,
        namespaceOr(
            contextNamespace == null || contextNamespace.isBlank() ? "default" : contextNamespace),
        "kubeconfig " + file);
  }

  private Optional<Path> kubeconfig() {
    String list = env.get("KUBECONFIG");
    if (list != null && !list.isBlank()) {
      return Arrays.stream(list.split(File.pathSeparator))
          .filter(s -> !s.isBlank())
          .map(Path::of)
          .filter(Files::isRegularFile)
          .findFirst();
    }
    Path dflt = home.resolve(".kube").resolve("config");
    return Files.isRegularFile(dflt) ? Optional.of(dflt) : Optional.empty();
  }

  private String namespaceOr(String fallback) {
    return options.namespace() != null ? options.namespace() : fallback;
  }

  private static byte[] readOption(String option, Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new ProviderException(
          "cannot read options." + option + " " + p + ": " + e.getMessage(), false, e);
    }
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
