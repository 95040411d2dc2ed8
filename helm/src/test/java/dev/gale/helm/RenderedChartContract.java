package dev.gale.helm;

import static dev.gale.helm.K8s.env;
import static dev.gale.helm.K8s.envValue;
import static dev.gale.helm.K8s.labels;
import static dev.gale.helm.K8s.name;
import static dev.gale.helm.K8s.onlyContainer;
import static dev.gale.helm.K8s.podLabels;
import static dev.gale.helm.K8s.podSpec;
import static dev.gale.helm.K8s.selects;
import static dev.gale.helm.K8s.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every rendering of the chart must satisfy, whatever the values: the pieces line up
 * (selectors, ports, probes, addresses between roles), secrets stay in Secrets, RBAC is minimal.
 * Extended once per values set.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RenderedChartContract {
  static final String PREFIX = Chart.RELEASE + "-gale";
  static final String GATEWAY = PREFIX + "-gateway";
  static final String SCHEDULER = PREFIX + "-scheduler";
  static final String SCHEDULER_HEADLESS = PREFIX + "-scheduler-headless";
  static final String SCALER = PREFIX + "-scaler";
  private static final ObjectMapper JSON = new ObjectMapper();

  Manifests manifests;

  /** The chart with the values under test. */
  abstract Chart chart();

  @BeforeAll
  void render() {
    manifests = chart().template();
  }

  JsonNode gateway() {
    return manifests.one("Deployment", GATEWAY);
  }

  JsonNode scheduler() {
    return manifests.one("StatefulSet", SCHEDULER);
  }

  JsonNode scaler() {
    return manifests.one("Deployment", SCALER);
  }

  JsonNode headlessService() {
    return manifests.one("Service", SCHEDULER_HEADLESS);
  }

  /** The scaler's pools file (GALE_SCALER_POOLS_FILE), parsed. */
  JsonNode poolsFile() throws IOException {
    JsonNode cm = manifests.one("ConfigMap", SCALER);
    return JSON.readTree(cm.path("data").path("pools.json").asText());
  }

  String clusterDns(String service) {
    return service + "." + Chart.NAMESPACE + ".svc.cluster.local";
  }

  @Test
  void rendersEveryRoleAndItsServices() {
    assertThat(manifests.summary())
        .contains(
            "Deployment/" + GATEWAY,
            "Service/" + GATEWAY,
            "StatefulSet/" + SCHEDULER,
            "Service/" + SCHEDULER_HEADLESS,
            "PodDisruptionBudget/" + SCHEDULER,
            "Deployment/" + SCALER,
            "ConfigMap/" + SCALER,
            "Role/" + SCALER,
            "RoleBinding/" + SCALER);
  }

  @Test
  void everyResourceCarriesTheStandardLabels() {
    for (JsonNode doc : manifests.documents()) {
      assertThat(labels(doc))
          .as(doc.path("kind").asText() + "/" + name(doc))
          .containsEntry("app.kubernetes.io/name", "gale")
          .containsEntry("app.kubernetes.io/instance", Chart.RELEASE)
          .containsEntry("app.kubernetes.io/managed-by", "Helm")
          .containsEntry("helm.sh/chart", "gale-0.1.0")
          .containsKeys("app.kubernetes.io/version", "app.kubernetes.io/component");
    }
  }

  @Test
  void workloadSelectorsMatchTheirPodLabelsAndNoOtherWorkload() {
    for (JsonNode w : manifests.workloads()) {
      Map<String, String> selector = strings(w.path("spec").path("selector").path("matchLabels"));
      assertThat(selects(selector, podLabels(w))).as(name(w) + " selects its pods").isTrue();
      for (JsonNode other : manifests.workloads()) {
        if (other != w) {
          assertThat(selects(selector, podLabels(other)))
              .as(name(w) + " must not select the pods of " + name(other))
              .isFalse();
        }
      }
    }
  }

  @Test
  void servicesSelectOneWorkloadAndTargetItsContainerPorts() {
    for (JsonNode svc : manifests.all("Service")) {
      Map<String, String> selector = strings(svc.path("spec").path("selector"));
      List<JsonNode> selected =
          manifests.workloads().stream().filter(w -> selects(selector, podLabels(w))).toList();
      assertThat(selected).as(name(svc) + " selects exactly one workload").hasSize(1);
      for (JsonNode port : svc.path("spec").path("ports")) {
        assertThat(K8s.resolvePort(selected.get(0), port.path("targetPort")))
            .as(name(svc) + " targetPort " + port.path("targetPort"))
            .isPresent();
      }
    }
  }

  @Test
  void gatewayServicePublishesTheApiPort() {
    JsonNode svc = manifests.one("Service", GATEWAY);
    JsonNode port = svc.path("spec").path("ports").get(0);
    assertThat(K8s.resolvePort(gateway(), port.path("targetPort")))
        .contains(Integer.parseInt(envValue(onlyContainer(gateway()), "GALE_GATEWAY_PORT")));
  }

  @Test
  void gatewayProbesHitReadyzAndHealthzOnTheApiPort() {
    JsonNode c = onlyContainer(gateway());
    assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
    assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
    int apiPort = Integer.parseInt(envValue(c, "GALE_GATEWAY_PORT"));
    for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
      JsonNode ref = c.path(probe).path("httpGet").path("port");
      assertThat(K8s.resolvePort(gateway(), ref)).as(probe).contains(apiPort);
    }
    assertThat(envValue(c, "GALE_GATEWAY_HOST"))
        .as("bound to every interface, not loopback")
        .isEqualTo("0.0.0.0");
  }

  @Test
  void schedulerProbesHitTheMemberPort() {
    JsonNode c = onlyContainer(scheduler());
    int memberPort = Integer.parseInt(envValue(c, "GALE_SCHEDULER_PORT"));
    for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
      JsonNode ref = c.path(probe).path("tcpSocket").path("port");
      assertThat(K8s.resolvePort(scheduler(), ref)).as(probe).contains(memberPort);
    }
  }

  @Test
  void schedulerDiscoversMembersThroughItsHeadlessService() {
    JsonNode svc = headlessService();
    assertThat(svc.path("spec").path("clusterIP").asText()).isEqualTo("None");
    assertThat(svc.path("spec").path("publishNotReadyAddresses").asBoolean())
        .as("members must find each other before they are ready")
        .isTrue();
    assertThat(scheduler().path("spec").path("serviceName").asText()).isEqualTo(SCHEDULER_HEADLESS);
    JsonNode c = onlyContainer(scheduler());
    assertThat(envValue(c, "GALE_SCHEDULER_KUBERNETES_SERVICE_DNS"))
        .isEqualTo(clusterDns(SCHEDULER_HEADLESS));
    assertThat(svc.path("spec").path("ports").get(0).path("port").asInt())
        .isEqualTo(Integer.parseInt(envValue(c, "GALE_SCHEDULER_PORT")));
    // the member binds to its pod IP, which is what the DNS records hold
    assertThat(envValue(c, "GALE_SCHEDULER_HOST")).isEqualTo("$(POD_IP)");
    assertThat(
            env(c, "POD_IP")
                .orElseThrow()
                .path("valueFrom")
                .path("fieldRef")
                .path("fieldPath")
                .asText())
        .isEqualTo("status.podIP");
  }

  @Test
  void gatewayAndScalerConnectToTheSchedulerHeadlessService() {
    int port = headlessService().path("spec").path("ports").get(0).path("port").asInt();
    String members = clusterDns(SCHEDULER_HEADLESS) + ":" + port;
    assertThat(envValue(onlyContainer(gateway()), "GALE_GATEWAY_SCHEDULER")).isEqualTo(members);
    assertThat(envValue(onlyContainer(scaler()), "GALE_SCALER_SCHEDULER")).isEqualTo(members);
    String cluster = envValue(onlyContainer(scheduler()), "GALE_SCHEDULER_CLUSTER_NAME");
    for (JsonNode w : manifests.workloads()) {
      assertThat(envValue(onlyContainer(w), "GALE_SCHEDULER_CLUSTER_NAME"))
          .as(name(w) + " joins the same cluster name")
          .isEqualTo(cluster);
    }
  }

  @Test
  void everyRoleRunsTheGaleLauncherWithItsRole() {
    assertThat(onlyContainer(gateway()).path("args").get(0).asText()).isEqualTo("gateway");
    assertThat(onlyContainer(scheduler()).path("args").get(0).asText()).isEqualTo("scheduler");
    assertThat(onlyContainer(scaler()).path("args").get(0).asText()).isEqualTo("scaler");
    for (JsonNode w : manifests.workloads()) {
      assertThat(onlyContainer(w).has("command"))
          .as(name(w) + " keeps the image's entrypoint (the gale launcher)")
          .isFalse();
      assertThat(envValue(onlyContainer(w), "GALE_NO_BUILD")).isEqualTo("1");
    }
  }

  @Test
  void scalerRoleGrantsOnlyPodLifecycleVerbsInTheWorkerNamespace() throws IOException {
    assertThat(manifests.all("ClusterRole")).isEmpty();
    assertThat(manifests.all("ClusterRoleBinding")).isEmpty();
    JsonNode role = manifests.one("Role", SCALER);
    String workerNamespace =
        poolsFile().path("pools").elements().next().path("options").path("namespace").asText();
    assertThat(K8s.namespace(role)).isEqualTo(workerNamespace);
    JsonNode rules = role.path("rules");
    assertThat(rules).hasSize(1);
    JsonNode rule = rules.get(0);
    assertThat(texts(rule.path("apiGroups"))).containsExactly("");
    assertThat(texts(rule.path("resources"))).containsExactly("pods");
    assertThat(texts(rule.path("verbs")))
        .containsExactlyInAnyOrder("create", "get", "list", "delete");

    JsonNode binding = manifests.one("RoleBinding", SCALER);
    assertThat(K8s.namespace(binding)).isEqualTo(workerNamespace);
    assertThat(binding.path("roleRef").path("kind").asText()).isEqualTo("Role");
    assertThat(binding.path("roleRef").path("name").asText()).isEqualTo(SCALER);
    JsonNode subject = binding.path("subjects").get(0);
    assertThat(subject.path("kind").asText()).isEqualTo("ServiceAccount");
    assertThat(subject.path("namespace").asText()).isEqualTo(Chart.NAMESPACE);
    assertThat(subject.path("name").asText())
        .isEqualTo(podSpec(scaler()).path("serviceAccountName").asText());
    assertThat(manifests.has("ServiceAccount", subject.path("name").asText())).isTrue();
  }

  @Test
  void onlyTheScalerMountsAnApiToken() {
    for (JsonNode w : manifests.workloads()) {
      boolean mounts = podSpec(w).path("automountServiceAccountToken").asBoolean(true);
      assertThat(mounts).as(name(w)).isEqualTo(name(w).equals(SCALER));
    }
  }

  @Test
  void secretsAreReferencedNotInlined() {
    Pattern secretish = Pattern.compile(".*(TOKEN|PASSWORD|USER|SECRET).*");
    List<String> literalSecrets = new ArrayList<>();
    for (JsonNode w : manifests.workloads()) {
      for (JsonNode e : onlyContainer(w).path("env")) {
        String var = e.path("name").asText();
        if (secretish.matcher(var).matches()) {
          JsonNode ref = e.path("valueFrom").path("secretKeyRef");
          if (e.has("value") || ref.isMissingNode()) {
            literalSecrets.add(name(w) + ": $" + var);
          } else {
            assertSecretHasKey(ref.path("name").asText(), ref.path("key").asText());
          }
        }
      }
    }
    assertThat(literalSecrets).as("secret-like variables with literal values").isEmpty();
    JsonNode token = env(onlyContainer(gateway()), "GALE_GATEWAY_ADMIN_TOKEN").orElseThrow();
    assertThat(token.path("valueFrom").path("secretKeyRef").path("name").asText())
        .isEqualTo(expectedAdminSecret());
  }

  /** The Secret the gateway reads its admin token from. */
  abstract String expectedAdminSecret();

  /** A Secret the chart renders must hold the key; one it does not render is existingSecret. */
  private void assertSecretHasKey(String secret, String key) {
    if (manifests.has("Secret", secret)) {
      assertThat(manifests.one("Secret", secret).path("data").has(key))
          .as("Secret " + secret + " has key " + key)
          .isTrue();
    } else {
      assertThat(secret).as("a Secret the chart does not create").isEqualTo(existingSecretOf(key));
    }
  }

  /** The name of the existing (not rendered) Secret that should hold this key. */
  abstract String existingSecretOf(String key);

  @Test
  void noRenderedValueRepeatsASecret() {
    Set<String> secretValues = new TreeSet<>();
    for (JsonNode s : manifests.all("Secret")) {
      s.path("data")
          .forEach(
              v ->
                  secretValues.add(
                      new String(Base64.getDecoder().decode(v.asText()), StandardCharsets.UTF_8)));
    }
    secretValues.removeIf(v -> v.length() < 8);
    for (JsonNode doc : manifests.documents()) {
      if (doc.path("kind").asText().equals("Secret")) {
        continue;
      }
      String text = doc.toString();
      for (String secret : secretValues) {
        assertThat(text).as(doc.path("kind").asText() + "/" + name(doc)).doesNotContain(secret);
      }
    }
  }

  @Test
  void schedulerDisruptionBudgetSelectsTheMembersOnly() {
    JsonNode pdb = manifests.one("PodDisruptionBudget", SCHEDULER);
    Map<String, String> selector = strings(pdb.path("spec").path("selector").path("matchLabels"));
    assertThat(selects(selector, podLabels(scheduler()))).isTrue();
    assertThat(selects(selector, podLabels(gateway()))).isFalse();
    assertThat(selects(selector, podLabels(scaler()))).isFalse();
    int backups =
        Integer.parseInt(envValue(onlyContainer(scheduler()), "GALE_SCHEDULER_BACKUP_COUNT"));
    assertThat(pdb.path("spec").path("maxUnavailable").asInt())
        .as("no more members down at once than there are backups")
        .isBetween(1, Math.max(1, backups));
  }

  @Test
  void schedulerMembersAvoidSharingANode() {
    JsonNode anti = podSpec(scheduler()).path("affinity").path("podAntiAffinity");
    List<JsonNode> terms = new ArrayList<>();
    anti.path("requiredDuringSchedulingIgnoredDuringExecution").forEach(terms::add);
    anti.path("preferredDuringSchedulingIgnoredDuringExecution")
        .forEach(t -> terms.add(t.path("podAffinityTerm")));
    assertThat(terms).isNotEmpty();
    for (JsonNode term : terms) {
      assertThat(term.path("topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
      assertThat(
              selects(
                  strings(term.path("labelSelector").path("matchLabels")), podLabels(scheduler())))
          .isTrue();
    }
  }

  @Test
  void podsRunAsNonRootWithReadOnlyRootAndResources() {
    for (JsonNode w : manifests.workloads()) {
      JsonNode pod = podSpec(w).path("securityContext");
      assertThat(pod.path("runAsNonRoot").asBoolean()).as(name(w)).isTrue();
      assertThat(pod.path("runAsUser").asInt()).as(name(w)).isEqualTo(10001);
      JsonNode c = onlyContainer(w);
      JsonNode sc = c.path("securityContext");
      assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).as(name(w)).isFalse();
      assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).as(name(w)).isTrue();
      assertThat(texts(sc.path("capabilities").path("drop"))).as(name(w)).contains("ALL");
      assertThat(c.path("resources").path("requests").has("memory")).as(name(w)).isTrue();
      assertThat(c.path("resources").path("limits").has("memory")).as(name(w)).isTrue();
      // a read-only root needs writable scratch: GALE_HOME and /tmp
      List<String> mounts = new ArrayList<>();
      c.path("volumeMounts").forEach(m -> mounts.add(m.path("mountPath").asText()));
      assertThat(mounts).as(name(w)).contains("/tmp", envValue(c, "GALE_HOME"));
    }
  }

  @Test
  void scalerAppliesThePoolsFileFromItsConfigMap() throws IOException {
    JsonNode c = onlyContainer(scaler());
    String file = envValue(c, "GALE_SCALER_POOLS_FILE");
    String dir = file.substring(0, file.lastIndexOf('/'));
    String volume = null;
    for (JsonNode m : c.path("volumeMounts")) {
      if (m.path("mountPath").asText().equals(dir)) {
        volume = m.path("name").asText();
      }
    }
    assertThat(volume).as("a volume mounted at " + dir).isNotNull();
    boolean fromConfigMap = false;
    for (JsonNode v : podSpec(scaler()).path("volumes")) {
      if (v.path("name").asText().equals(volume)) {
        fromConfigMap = v.path("configMap").path("name").asText().equals(SCALER);
      }
    }
    assertThat(fromConfigMap).isTrue();
    assertThat(file.substring(dir.length() + 1)).isEqualTo("pools.json");
    assertThat(poolsFile().path("pools").size()).isPositive();
  }

  @Test
  void defaultPoolStartsWorkerPodsFromTheChartsImageWithoutApiAccess() throws IOException {
    JsonNode pools = poolsFile().path("pools");
    JsonNode pool = pools.path(expectedWorkerPool());
    assertThat(pool.path("provider").asText()).isEqualTo("kubernetes");
    assertThat(pool.path("nodesPerBlock").asInt()).isEqualTo(1);
    JsonNode options = pool.path("options");
    assertThat(options.path("image").asText()).isEqualTo(expectedWorkerImage());
    assertThat(options.path("image").asText())
        .isEqualTo(onlyContainer(gateway()).path("image").asText());
    String account = options.path("serviceAccount").asText();
    JsonNode sa = manifests.one("ServiceAccount", account);
    assertThat(K8s.namespace(sa)).isEqualTo(options.path("namespace").asText());
    assertThat(sa.path("automountServiceAccountToken").asBoolean(true)).isFalse();
    Map<String, String> workerLabels = strings(options.path("labels"));
    assertThat(workerLabels).containsEntry("app.kubernetes.io/component", "worker");
    for (JsonNode w : manifests.workloads()) {
      Map<String, String> selector = strings(w.path("spec").path("selector").path("matchLabels"));
      assertThat(selects(selector, workerLabels))
          .as(name(w) + " must not adopt worker pods")
          .isFalse();
    }
    for (JsonNode svc : manifests.all("Service")) {
      assertThat(selects(strings(svc.path("spec").path("selector")), workerLabels))
          .as(name(svc) + " must not route to worker pods")
          .isFalse();
    }
  }

  abstract String expectedWorkerPool();

  abstract String expectedWorkerImage();

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
