package dev.gale.scaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.Json;
import dev.gale.scaler.ProviderException;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the provider finds its API server, against the mock over HTTPS with its self-signed
 * certificate: each way must verify the server and send its token.
 */
class ApiConnectorTest {
  private static MockKubernetes mock;

  @TempDir Path dir;

  @BeforeAll
  static void startMock() {
    mock = MockKubernetes.https();
  }

  @AfterAll
  static void stopMock() {
    mock.close();
  }

  private static KubernetesOptions options(String extra) {
    return KubernetesOptions.parse("default", Json.readTree("{\"image\": \"img\"" + extra + "}"));
  }

  /** Lists pods with the connection and returns the Authorization header the mock received. */
  private static String authorizationOfAList(ApiConnector.Connection c) throws Exception {
    new CoreV1Api(c.client()).listNamespacedPod(c.namespace()).execute();
    return mock.server().getLastRequest().getHeader("Authorization");
  }

  private Path kubeconfig(String name, String namespace, String token) throws Exception {
    String pem = Files.readString(mock.caFile());
    String ca = java.util.Base64.getEncoder().encodeToString(pem.getBytes());
    Path f = dir.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(
        f,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: scaler
          user:
            token: %s
        contexts:
        - name: mock
          context:
            cluster: mock
            user: scaler
            namespace: %s
        current-context: mock
        """
            .formatted(mock.url(), ca, token, namespace));
    return f;
  }

  private Path serviceAccount(String token, String namespace) throws Exception {
    Path sa = dir.resolve("serviceaccount");
    Files.createDirectories(sa);
    Files.writeString(sa.resolve("token"), token + "\n");
    Files.writeString(sa.resolve("namespace"), namespace);
    Files.copy(mock.caFile(), sa.resolve("ca.crt"));
    return sa;
  }

  @Test
  void usesTheFirstExistingKubeconfigOfTheVariableWithItsContextNamespace() throws Exception {
    Path kc = kubeconfig("kube/config-a", "from-context", "kubeconfig-token");
    ApiConnector connector =
        new ApiConnector(
            options(""),
            Map.of("KUBECONFIG", dir.resolve("missing") + File.pathSeparator + kc),
            dir.resolve("home"),
            dir.resolve("no-service-account"));
    ApiConnector.Connection c = connector.connect();
    assertThat(c.namespace()).isEqualTo("from-context");
    assertThat(c.source()).isEqualTo("kubeconfig " + kc);
    assertThat(authorizationOfAList(c)).isEqualTo("Bearer kubeconfig-token");
  }

  @Test
  void fallsBackToTheKubeconfigInTheHomeDirectoryAndTheNamespaceOptionWins() throws Exception {
    kubeconfig("home/.kube/config", "from-context", "home-token");
    ApiConnector connector =
        new ApiConnector(
            options(", \"namespace\": \"chosen\""),
            Map.of(),
            dir.resolve("home"),
            dir.resolve("no-service-account"));
    ApiConnector.Connection c = connector.connect();
    assertThat(c.namespace()).isEqualTo("chosen");
    assertThat(authorizationOfAList(c)).isEqualTo("Bearer home-token");
  }

  @Test
  void inAPodUsesTheServiceAccountBeforeAnyKubeconfig() throws Exception {
    Path kc = kubeconfig("kube/config", "from-context", "kubeconfig-token");
    Path sa = serviceAccount("service-account-token", "gale-system");
    ApiConnector connector =
        new ApiConnector(
            options(""),
            Map.of(
                "KUBERNETES_SERVICE_HOST", "localhost",
                "KUBERNETES_SERVICE_PORT", Integer.toString(mock.port()),
                "KUBECONFIG", kc.toString()),
            dir.resolve("home"),
            sa);
    ApiConnector.Connection c = connector.connect();
    assertThat(c.namespace()).isEqualTo("gale-system");
    assertThat(c.source()).isEqualTo("in-cluster service account");
    assertThat(c.client().getBasePath()).isEqualTo("https://localhost:" + mock.port());
    assertThat(authorizationOfAList(c)).isEqualTo("Bearer service-account-token");
  }

  @Test
  void anExplicitApiServerUsesItsCaFileAndTokenFile() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "explicit-token\n");
    KubernetesOptions o =
        options(
            ", \"apiServer\": \""
                + mock.url()
                + "\", \"caFile\": \""
                + mock.caFile()
                + "\", \"tokenFile\": \""
                + token
                + "\"");
    ApiConnector.Connection c =
        new ApiConnector(o, Map.of(), dir, dir.resolve("no-service-account")).connect();
    assertThat(c.namespace()).isEqualTo("default");
    assertThat(authorizationOfAList(c)).isEqualTo("Bearer explicit-token");
  }

  @Test
  void anUntrustedCertificateFailsUnlessVerificationIsSkipped() throws Exception {
    ApiConnector.Connection strict =
        new ApiConnector(
                options(", \"apiServer\": \"" + mock.url() + "\""),
                Map.of(),
                dir,
                dir.resolve("no-service-account"))
            .connect();
    assertThatThrownBy(() -> new CoreV1Api(strict.client()).listNamespacedPod("x").execute())
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("PKIX");
    ApiConnector.Connection insecure =
        new ApiConnector(
                options(", \"apiServer\": \"" + mock.url() + "\", \"insecureSkipTlsVerify\": true"),
                Map.of(),
                dir,
                dir.resolve("no-service-account"))
            .connect();
    assertThat(authorizationOfAList(insecure)).isNull();
  }

  @Test
  void aMissingTokenFileIsAClearError() {
    ApiConnector connector =
        new ApiConnector(
            options(
                ", \"apiServer\": \""
                    + mock.url()
                    + "\", \"tokenFile\": \""
                    + dir.resolve("nope")
                    + "\""),
            Map.of(),
            dir,
            dir.resolve("no-service-account"));
    assertThatThrownBy(connector::connect)
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.isRetryable()).isFalse())
        .hasMessageStartingWith("cannot read options.tokenFile " + dir.resolve("nope"));
  }

  @Test
  void withNothingConfiguredSaysWhatItLookedFor() {
    ApiConnector connector =
        new ApiConnector(
            options(""), Map.of("KUBECONFIG", ""), dir.resolve("home"), dir.resolve("sa"));
    assertThatThrownBy(connector::connect)
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.isRetryable()).isFalse())
        .hasMessage(
            "no Kubernetes API configured: not running in a pod (no KUBERNETES_SERVICE_HOST and "
                + dir.resolve("sa/token")
                + "), no file in $KUBECONFIG, no "
                + dir.resolve("home/.kube/config")
                + "; set options.apiServer");
  }
}
