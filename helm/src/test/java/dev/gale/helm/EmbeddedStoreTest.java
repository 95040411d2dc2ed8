package dev.gale.helm;

import static dev.gale.helm.K8s.envValue;
import static dev.gale.helm.K8s.onlyContainer;
import static dev.gale.helm.K8s.podSpec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A single scheduler member with the embedded store keeps its database on a volume claim. */
class EmbeddedStoreTest {
  static final String SCHEDULER = Chart.RELEASE + "-gale-scheduler";

  @Test
  void keepsTheDatabaseOnAClaimMountedAsGaleHome() {
    Chart chart =
        Chart.withYaml(
            "scheduler: {replicas: 1}\n"
                + "store: {kind: embedded, embedded: {persistence: {size: 20Gi, storageClass: fast}}}\n");
    JsonNode sts = chart.template().one("StatefulSet", SCHEDULER);
    JsonNode claim = sts.path("spec").path("volumeClaimTemplates").get(0);
    assertThat(claim.path("metadata").path("name").asText()).isEqualTo("home");
    assertThat(claim.path("spec").path("storageClassName").asText()).isEqualTo("fast");
    assertThat(claim.path("spec").path("resources").path("requests").path("storage").asText())
        .isEqualTo("20Gi");
    assertThat(volumeNames(sts)).doesNotContain("home");
    JsonNode c = onlyContainer(sts);
    assertThat(envValue(c, "GALE_STORE_KIND")).isEqualTo("embedded");
    String home = envValue(c, "GALE_HOME");
    boolean mounted = false;
    for (JsonNode m : c.path("volumeMounts")) {
      mounted |=
          m.path("name").asText().equals("home") && m.path("mountPath").asText().equals(home);
    }
    assertThat(mounted).as("the claim is mounted at GALE_HOME").isTrue();
    assertThat(chart.notes()).doesNotContain("WARNING");
  }

  @Test
  void withoutPersistenceTheNotesWarnThatTheDatabaseIsLostWithThePod() {
    Chart chart =
        Chart.withYaml(
            "scheduler: {replicas: 1}\n"
                + "store: {kind: embedded, embedded: {persistence: {enabled: false}}}\n");
    JsonNode sts = chart.template().one("StatefulSet", SCHEDULER);
    assertThat(sts.path("spec").has("volumeClaimTemplates")).isFalse();
    assertThat(volumeNames(sts)).contains("home");
    assertThat(chart.notes()).contains("WARNING: store.kind is \"embedded\" without persistence");
  }

  private static List<String> volumeNames(JsonNode workload) {
    List<String> names = new ArrayList<>();
    podSpec(workload).path("volumes").forEach(v -> names.add(v.path("name").asText()));
    return names;
  }
}
