package dev.gale.helm;

import static dev.gale.helm.K8s.envValue;
import static dev.gale.helm.K8s.onlyContainer;
import static dev.gale.helm.K8s.podSpec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The chart installed with its default values. */
class DefaultValuesTest extends RenderedChartContract {
  static final String ADMIN_SECRET = PREFIX + "-admin";

  @Override
  Chart chart() {
    return Chart.defaults();
  }

  @Override
  String expectedAdminSecret() {
    return ADMIN_SECRET;
  }

  @Override
  String existingSecretOf(String key) {
    return "(none: with default values the chart creates every Secret it uses)";
  }

  @Override
  String expectedWorkerPool() {
    return "default";
  }

  @Override
  String expectedWorkerImage() {
    return "gale:0.1.0-SNAPSHOT";
  }

  @Test
  void lintsCleanInStrictMode() {
    var lint = Chart.lintStrict();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    assertThat(lint.getMessages())
        .as("nothing but INFO notes")
        .allSatisfy(m -> assertThat(m).startsWith("[INFO]"));
  }

  @Test
  void generatesARandomAdminTokenWhenNoneIsGiven() {
    JsonNode secret = manifests.one("Secret", ADMIN_SECRET);
    String token = decode(secret.path("data").path("admin-token").asText());
    assertThat(token).hasSize(48).matches("[A-Za-z0-9]+");
    String again =
        decode(
            chart()
                .template()
                .one("Secret", ADMIN_SECRET)
                .path("data")
                .path("admin-token")
                .asText());
    assertThat(again).as("a fresh install gets a fresh token").isNotEqualTo(token);
    assertThat(secret.path("metadata").path("annotations").path("helm.sh/resource-policy").asText())
        .isEqualTo("keep");
  }

  @Test
  void runsThreeSchedulerMembersWithoutADatabaseAndWarnsAboutIt() {
    assertThat(scheduler().path("spec").path("replicas").asInt()).isEqualTo(3);
    assertThat(envValue(onlyContainer(scheduler()), "GALE_STORE_KIND")).isEqualTo("none");
    assertThat(envValue(onlyContainer(scheduler()), "GALE_STORE_FINISHED_IN_MEMORY_SECONDS"))
        .isEqualTo("60");
    assertThat(envValue(onlyContainer(scheduler()), "GALE_STORE_RETENTION_HOURS")).isEqualTo("168");
    assertThat(K8s.env(onlyContainer(scheduler()), "GALE_STORE_URL")).isEmpty();
    assertThat(scheduler().path("spec").has("volumeClaimTemplates")).isFalse();
    assertThat(chart().notes())
        .contains("WARNING: store.kind is \"none\"")
        .contains("store.kind=postgresql");
  }

  @Test
  void notesTellHowToReachTheApiWithCurlAndReadTheToken() {
    String notes = chart().notes();
    assertThat(notes)
        .contains(
            "kubectl get secret --namespace gale-system " + ADMIN_SECRET,
            "jsonpath='{.data.admin-token}' | base64 -d",
            "kubectl port-forward --namespace gale-system service/" + GATEWAY + " 8080:8080",
            "curl -s -H \"Authorization: Bearer $GALE_TOKEN\"",
            "$GALE_URL/v1/functions")
        .doesNotContain("Through the Ingress");
  }

  @Test
  void workersDialTheGatewayServiceInsideTheCluster() {
    JsonNode svc = manifests.one("Service", GATEWAY);
    int port = svc.path("spec").path("ports").get(0).path("port").asInt();
    assertThat(envValue(onlyContainer(scaler()), "GALE_SCALER_GATEWAY_URL"))
        .isEqualTo("http://" + clusterDns(GATEWAY) + ":" + port);
  }

  @Test
  void leavesOptionalPiecesOut() {
    assertThat(manifests.all("Ingress")).isEmpty();
    assertThat(manifests.all("HorizontalPodAutoscaler")).isEmpty();
    assertThat(gateway().path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(podSpec(gateway()).has("nodeSelector")).isFalse();
    assertThat(manifests.one("Service", GATEWAY).path("spec").path("type").asText())
        .isEqualTo("ClusterIP");
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
