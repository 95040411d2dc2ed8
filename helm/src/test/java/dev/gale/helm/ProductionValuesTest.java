package dev.gale.helm;

import static dev.gale.helm.K8s.env;
import static dev.gale.helm.K8s.envValue;
import static dev.gale.helm.K8s.onlyContainer;
import static dev.gale.helm.K8s.podSpec;
import static dev.gale.helm.K8s.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chart with {@code values-production.yaml}: PostgreSQL, Ingress, HPA, existing Secrets. */
class ProductionValuesTest extends RenderedChartContract {
  @Override
  Chart chart() {
    return Chart.withValues("values-production.yaml");
  }

  @Override
  String expectedAdminSecret() {
    return "gale-admin-token";
  }

  @Override
  String existingSecretOf(String key) {
    return key.equals("token") ? "gale-admin-token" : "gale-postgresql";
  }

  @Override
  String expectedWorkerPool() {
    return "cpu";
  }

  @Override
  String expectedWorkerImage() {
    return "registry.example.org/gale/gale:0.1.0";
  }

  @Test
  void createsNoSecretWhenExistingOnesAreNamed() {
    assertThat(manifests.all("Secret")).isEmpty();
    JsonNode token = env(onlyContainer(gateway()), "GALE_GATEWAY_ADMIN_TOKEN").orElseThrow();
    assertThat(token.path("valueFrom").path("secretKeyRef").path("key").asText())
        .isEqualTo("token");
  }

  @Test
  void schedulerMembersWriteThroughToPostgresql() {
    JsonNode c = onlyContainer(scheduler());
    assertThat(scheduler().path("spec").path("replicas").asInt()).isEqualTo(3);
    assertThat(envValue(c, "GALE_STORE_KIND")).isEqualTo("postgresql");
    assertThat(envValue(c, "GALE_STORE_URL"))
        .isEqualTo(
            "jdbc:postgresql://postgres.databases.svc.cluster.local:5432/gale?sslmode=require");
    for (String var : new String[] {"GALE_STORE_USER", "GALE_STORE_PASSWORD"}) {
      JsonNode ref = env(c, var).orElseThrow().path("valueFrom").path("secretKeyRef");
      assertThat(ref.path("name").asText()).as(var).isEqualTo("gale-postgresql");
    }
    assertThat(
            env(c, "GALE_STORE_USER")
                .orElseThrow()
                .path("valueFrom")
                .path("secretKeyRef")
                .path("key")
                .asText())
        .isEqualTo("username");
  }

  @Test
  void oneSchedulerMemberPerNode() {
    JsonNode anti = podSpec(scheduler()).path("affinity").path("podAntiAffinity");
    assertThat(anti.path("requiredDuringSchedulingIgnoredDuringExecution").size()).isEqualTo(1);
    assertThat(anti.has("preferredDuringSchedulingIgnoredDuringExecution")).isFalse();
  }

  @Test
  void ingressRoutesToTheGatewayServiceWithTls() {
    JsonNode ingress = manifests.one("Ingress", GATEWAY);
    assertThat(ingress.path("spec").path("ingressClassName").asText()).isEqualTo("nginx");
    JsonNode backend =
        ingress
            .path("spec")
            .path("rules")
            .get(0)
            .path("http")
            .path("paths")
            .get(0)
            .path("backend")
            .path("service");
    JsonNode svc = manifests.one("Service", backend.path("name").asText());
    boolean portExists = false;
    for (JsonNode p : svc.path("spec").path("ports")) {
      portExists |= p.path("name").asText().equals(backend.path("port").path("name").asText());
    }
    assertThat(portExists).as("the Ingress names a port of " + K8s.name(svc)).isTrue();
    assertThat(K8s.name(svc)).isEqualTo(GATEWAY);
    JsonNode tls = ingress.path("spec").path("tls").get(0);
    assertThat(tls.path("secretName").asText()).isEqualTo("gale-example-org-tls");
    assertThat(texts(tls.path("hosts"))).containsExactly("gale.example.org");
    assertThat(strings(ingress.path("metadata").path("annotations")))
        .containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600");
    assertThat(chart().notes()).contains("export GALE_URL=https://gale.example.org");
  }

  @Test
  void autoscalerOwnsTheGatewayReplicaCount() {
    JsonNode hpa = manifests.one("HorizontalPodAutoscaler", GATEWAY);
    JsonNode target = hpa.path("spec").path("scaleTargetRef");
    assertThat(target.path("kind").asText()).isEqualTo("Deployment");
    assertThat(target.path("name").asText()).isEqualTo(GATEWAY);
    assertThat(hpa.path("spec").path("minReplicas").asInt()).isEqualTo(3);
    assertThat(hpa.path("spec").path("maxReplicas").asInt()).isEqualTo(12);
    assertThat(gateway().path("spec").has("replicas"))
        .as("a replica count in the Deployment would fight the autoscaler on upgrades")
        .isFalse();
  }

  @Test
  void servicePodsLandOnTheServicesNodePool() {
    for (JsonNode w : manifests.workloads()) {
      assertThat(strings(podSpec(w).path("nodeSelector")))
          .as(K8s.name(w))
          .containsExactly(Map.entry("node-pool", "services"));
      assertThat(podSpec(w).path("tolerations").get(0).path("value").asText())
          .isEqualTo("services");
      assertThat(podSpec(w).path("imagePullSecrets").get(0).path("name").asText())
          .isEqualTo("registry-example-org");
    }
  }

  @Test
  void workerPodTemplateBecomesTheKubernetesProviderOptions() throws IOException {
    JsonNode pool = poolsFile().path("pools").path("cpu");
    assertThat(pool.path("minBlocks").asInt()).isEqualTo(1);
    assertThat(pool.path("maxBlocks").asInt()).isEqualTo(50);
    assertThat(pool.path("initBlocks").asInt()).isEqualTo(2);
    assertThat(pool.path("slotsPerNode").asInt()).isEqualTo(4);
    assertThat(pool.path("parallelism").asDouble()).isEqualTo(0.5);
    assertThat(pool.path("maxIdleSeconds").asInt()).isEqualTo(300);
    JsonNode o = pool.path("options");
    assertThat(o.path("namespace").asText()).isEqualTo("gale-workers");
    assertThat(o.path("imagePullPolicy").asText()).isEqualTo("IfNotPresent");
    assertThat(o.path("cpu").asText()).isEqualTo("4");
    assertThat(o.path("memory").asText()).isEqualTo("8Gi");
    assertThat(o.path("cpuLimit").asText()).isEqualTo("4");
    assertThat(o.path("memoryLimit").asText()).isEqualTo("8Gi");
    assertThat(strings(o.path("nodeSelector"))).containsExactly(Map.entry("node-pool", "compute"));
    JsonNode toleration = o.path("tolerations").get(0);
    assertThat(toleration.path("key").asText()).isEqualTo("dedicated");
    assertThat(toleration.path("effect").asText()).isEqualTo("NoSchedule");
    assertThat(texts(o.path("imagePullSecrets"))).containsExactly("registry-example-org");
    assertThat(strings(o.path("labels"))).containsEntry("team", "research");
    assertThat(strings(o.path("annotations")))
        .containsEntry("cluster-autoscaler.kubernetes.io/safe-to-evict", "false");
    assertThat(o.path("serviceAccount").asText()).isEqualTo(PREFIX + "-worker");
  }

  @Test
  void extraPoolsArePassedThroughBesideTheDefaultOne() throws IOException {
    JsonNode pools = poolsFile().path("pools");
    assertThat(pools.size()).isEqualTo(2);
    JsonNode gpu = pools.path("gpu");
    assertThat(gpu.path("provider").asText()).isEqualTo("kubernetes");
    assertThat(gpu.path("maxBlocks").asInt()).isEqualTo(4);
    assertThat(gpu.path("options").path("image").asText())
        .isEqualTo("registry.example.org/gale/gale-cuda:0.1.0");
    assertThat(gpu.path("options").path("tolerations").get(0).path("operator").asText())
        .isEqualTo("Exists");
  }

  @Test
  void workersDialTheExternalGatewayUrl() {
    assertThat(envValue(onlyContainer(scaler()), "GALE_SCALER_GATEWAY_URL"))
        .isEqualTo("https://gale.example.org");
  }

  @Test
  void scalerMayManagePodsOnlyInTheWorkerNamespace() {
    assertThat(K8s.namespace(manifests.one("Role", SCALER))).isEqualTo("gale-workers");
    assertThat(K8s.namespace(manifests.one("ServiceAccount", SCALER))).isEqualTo(Chart.NAMESPACE);
  }
}
