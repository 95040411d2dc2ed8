package dev.gale.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Where the admin token comes from: the values, the token an earlier release stored (read back with
 * {@code lookup} from the API server, so upgrades keep it), or a fresh random one.
 */
class AdminTokenTest {
  static final String SECRET = Chart.RELEASE + "-gale-admin";

  @Test
  void upgradeKeepsTheTokenAnEarlierReleaseGenerated() {
    String namespace = "upgrade-keeps-token";
    KubeApi.putSecret(
        namespace, SECRET, Map.of("admin-token", "token-from-the-first-install-0001"));
    String first = tokenIn(Chart.defaults().namespace(namespace).template());
    String second = tokenIn(Chart.defaults().namespace(namespace).template());
    assertThat(first).isEqualTo("token-from-the-first-install-0001").isEqualTo(second);
  }

  @Test
  void freshInstallsInOtherNamespacesGetTheirOwnToken() {
    String a = tokenIn(Chart.defaults().namespace("fresh-a").template());
    String b = tokenIn(Chart.defaults().namespace("fresh-b").template());
    assertThat(a).isNotEqualTo(b).hasSize(48);
  }

  @Test
  void aTokenGivenInTheValuesIsUsed() {
    String token = "given-admin-token-0123456789";
    Manifests m = Chart.defaults().set("auth.adminToken", token).template();
    assertThat(tokenIn(m)).isEqualTo(token);
  }

  @Test
  void aNewTokenRollsTheGatewayPods() {
    String a = checksum(Chart.defaults().set("auth.adminToken", "first-admin-token-0123456789"));
    String b = checksum(Chart.defaults().set("auth.adminToken", "second-admin-token-0123456789"));
    String a2 = checksum(Chart.defaults().set("auth.adminToken", "first-admin-token-0123456789"));
    assertThat(a).isNotBlank().isNotEqualTo(b).isEqualTo(a2);
  }

  private static String checksum(Chart chart) {
    return K8s.podTemplate(chart.template().one("Deployment", Chart.RELEASE + "-gale-gateway"))
        .path("metadata")
        .path("annotations")
        .path("checksum/admin-secret")
        .asText();
  }

  @Test
  void anExistingSecretReplacesTheChartsOwn() {
    Manifests m =
        Chart.defaults()
            .set("auth.existingSecret", "vault-synced")
            .set("auth.existingSecretKey", "token")
            .template();
    assertThat(m.all("Secret")).isEmpty();
    var ref =
        K8s.env(
                K8s.onlyContainer(m.one("Deployment", Chart.RELEASE + "-gale-gateway")),
                "GALE_GATEWAY_ADMIN_TOKEN")
            .orElseThrow()
            .path("valueFrom")
            .path("secretKeyRef");
    assertThat(ref.path("name").asText()).isEqualTo("vault-synced");
    assertThat(ref.path("key").asText()).isEqualTo("token");
  }

  private static String tokenIn(Manifests m) {
    String b64 = m.one("Secret", SECRET).path("data").path("admin-token").asText();
    return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
  }
}
