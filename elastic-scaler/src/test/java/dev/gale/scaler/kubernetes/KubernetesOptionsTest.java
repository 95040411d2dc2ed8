package dev.gale.scaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.ProviderRegistry;
import dev.gale.scaler.spi.ProviderContext;
import io.kubernetes.client.custom.Quantity;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KubernetesOptionsTest {
  private static final String IMAGE = "\"image\": \"ghcr.io/example/gale:0.1.0\"";

  private static JsonNode json(String s) {
    return Json.readTree(s);
  }

  @Test
  void parsesEveryOption() {
    KubernetesOptions o =
        KubernetesOptions.parse(
            "gpu",
            json(
                """
                {"namespace": "science", "image": "ghcr.io/example/gale:0.1.0",
                 "imagePullPolicy": "Always", "cpu": 2, "memory": "4Gi",
                 "cpuLimit": "4", "memoryLimit": "8Gi", "serviceAccount": "gale-worker",
                 "nodeSelector": {"kubernetes.io/arch": "amd64"},
                 "tolerations": [{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}],
                 "imagePullSecrets": ["regcred"], "labels": {"team": "physics"},
                 "annotations": {"example.org/note": "any text, even: spaces"},
                 "gracePeriodSeconds": 60, "imagePullGraceSeconds": 300,
                 "apiServer": "https://10.0.0.1:6443", "tokenFile": "/var/run/token",
                 "caFile": "/etc/ca.pem", "insecureSkipTlsVerify": false}
                """));
    assertThat(o.namespace()).isEqualTo("science");
    assertThat(o.image()).isEqualTo("ghcr.io/example/gale:0.1.0");
    assertThat(o.imagePullPolicy()).isEqualTo("Always");
    assertThat(o.requests())
        .isEqualTo(Map.of("cpu", Quantity.fromString("2"), "memory", Quantity.fromString("4Gi")));
    assertThat(o.limits())
        .isEqualTo(Map.of("cpu", Quantity.fromString("4"), "memory", Quantity.fromString("8Gi")));
    assertThat(o.serviceAccount()).isEqualTo("gale-worker");
    assertThat(o.nodeSelector()).isEqualTo(Map.of("kubernetes.io/arch", "amd64"));
    assertThat(o.tolerations())
        .containsExactly(
            new KubernetesOptions.Toleration("gpu", "Exists", null, "NoSchedule", null));
    assertThat(o.imagePullSecrets()).containsExactly("regcred");
    assertThat(o.labels()).isEqualTo(Map.of("team", "physics"));
    assertThat(o.annotations()).isEqualTo(Map.of("example.org/note", "any text, even: spaces"));
    assertThat(o.gracePeriod()).isEqualTo(Duration.ofSeconds(60));
    assertThat(o.imagePullGrace()).isEqualTo(Duration.ofSeconds(300));
    assertThat(o.apiServer())
        .isEqualTo(
            new KubernetesOptions.ApiServer(
                URI.create("https://10.0.0.1:6443"),
                Path.of("/var/run/token"),
                Path.of("/etc/ca.pem"),
                false));
  }

  @Test
  void onlyTheImageIsRequired() {
    KubernetesOptions o = KubernetesOptions.parse("default", json("{" + IMAGE + "}"));
    assertThat(o.namespace()).isNull();
    assertThat(o.requests()).isEmpty();
    assertThat(o.gracePeriod()).isEqualTo(KubernetesOptions.DEFAULT_GRACE);
    assertThat(o.imagePullGrace()).isEqualTo(KubernetesOptions.DEFAULT_IMAGE_PULL_GRACE);
    assertThat(o.apiServer()).isNull();
  }

  static Stream<Arguments> badOptions() {
    return Stream.of(
        Arguments.of("{}", "options.image", "options.image is required"),
        Arguments.of("{\"image\": \" \"}", "options.image", "options.image is required"),
        Arguments.of(
            "{" + IMAGE + ", \"namspace\": \"x\"}",
            "options.namspace",
            "options.namspace is not a kubernetes option (known: annotations, apiServer,"),
        Arguments.of(
            "{" + IMAGE + ", \"namespace\": \"Science_1\"}",
            "options.namespace",
            "options.namespace must be a valid namespace name, got 'Science_1'"),
        Arguments.of(
            "{" + IMAGE + ", \"imagePullPolicy\": \"always\"}",
            "options.imagePullPolicy",
            "options.imagePullPolicy must be Always, IfNotPresent or Never, got 'always'"),
        Arguments.of(
            "{" + IMAGE + ", \"cpu\": \"lots\"}",
            "options.cpu",
            "options.cpu must be a positive Kubernetes quantity such as \"500m\" or 2, got \"lots\""),
        Arguments.of(
            "{" + IMAGE + ", \"memory\": -1}",
            "options.memory",
            "options.memory must be a positive"),
        Arguments.of(
            "{" + IMAGE + ", \"memory\": \"2Gi\", \"memoryLimit\": \"1Gi\"}",
            "options.memoryLimit",
            "options.memoryLimit (1Gi) must not be less than options.memory (2Gi)"),
        Arguments.of(
            "{" + IMAGE + ", \"serviceAccount\": \"Not Valid\"}",
            "options.serviceAccount",
            "options.serviceAccount must be a valid service account name"),
        Arguments.of(
            "{" + IMAGE + ", \"nodeSelector\": {\"disk\": 1}}",
            "options.nodeSelector",
            "options.nodeSelector.disk must be a string label value"),
        Arguments.of(
            "{" + IMAGE + ", \"nodeSelector\": [\"disk=ssd\"]}",
            "options.nodeSelector",
            "options.nodeSelector must be an object"),
        Arguments.of(
            "{" + IMAGE + ", \"tolerations\": [{\"key\": \"gpu\", \"effect\": \"NoRun\"}]}",
            "options.tolerations",
            "options.tolerations[0].effect must be NoSchedule, PreferNoSchedule or NoExecute"),
        Arguments.of(
            "{" + IMAGE + ", \"tolerations\": [{\"effect\": \"NoSchedule\"}]}",
            "options.tolerations",
            "options.tolerations[0].key is required unless operator is Exists"),
        Arguments.of(
            "{" + IMAGE + ", \"tolerations\": [{\"key\": \"a\", \"tolerationSeconds\": 5}]}",
            "options.tolerations",
            "options.tolerations[0].tolerationSeconds needs effect NoExecute"),
        Arguments.of(
            "{" + IMAGE + ", \"tolerations\": [{\"key\": \"a\", \"valeu\": \"b\"}]}",
            "options.tolerations",
            "options.tolerations[0].valeu is not a toleration field"),
        Arguments.of(
            "{" + IMAGE + ", \"imagePullSecrets\": \"regcred\"}",
            "options.imagePullSecrets",
            "options.imagePullSecrets must be an array of Secret names"),
        Arguments.of(
            "{" + IMAGE + ", \"labels\": {\"gale.dev/pool\": \"other\"}}",
            "options.labels",
            "options.labels.gale.dev/pool is reserved"),
        Arguments.of(
            "{" + IMAGE + ", \"labels\": {\"app.kubernetes.io/managed-by\": \"me\"}}",
            "options.labels",
            "options.labels.app.kubernetes.io/managed-by is reserved"),
        Arguments.of(
            "{" + IMAGE + ", \"annotations\": {\"note\": 3}}",
            "options.annotations",
            "options.annotations.note must be a string"),
        Arguments.of(
            "{" + IMAGE + ", \"gracePeriodSeconds\": \"soon\"}",
            "options.gracePeriodSeconds",
            "options.gracePeriodSeconds must be a non-negative integer, got \"soon\""),
        Arguments.of(
            "{" + IMAGE + ", \"apiServer\": \"10.0.0.1:6443\"}",
            "options.apiServer",
            "options.apiServer must be an http(s) URL"),
        Arguments.of(
            "{" + IMAGE + ", \"tokenFile\": \"/var/run/token\"}",
            "options.tokenFile",
            "options.tokenFile needs options.apiServer"),
        Arguments.of(
            "{" + IMAGE + ", \"apiServer\": \"https://k:6443\", \"caFile\": \"ca.pem\"}",
            "options.caFile",
            "options.caFile must be an absolute path"));
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("badOptions")
  void rejectsABadOptionNamingIt(String options, String field, String message) {
    assertThatThrownBy(() -> KubernetesOptions.parse("default", json(options)))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.code()).isEqualTo("invalid_request");
              assertThat(e.getMessage()).startsWith(message);
              assertThat(e.details().get("field").asText()).isEqualTo(field);
            });
  }

  @Test
  void rejectsAPoolNameThatCannotLabelPods() {
    assertThatThrownBy(() -> KubernetesOptions.parse("batch_", json("{" + IMAGE + "}")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("pool name 'batch_' cannot label Kubernetes pods");
    assertThatThrownBy(() -> KubernetesOptions.parse("p".repeat(64), json("{" + IMAGE + "}")))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void theServiceLoaderFindsTheFactoryWhichValidatesWithoutIo() {
    ProviderRegistry registry = ProviderRegistry.fromServiceLoader();
    assertThat(registry.keys()).contains("kubernetes", "local");
    var ctx =
        new ProviderContext(
            "default",
            json("{" + IMAGE + ", \"apiServer\": \"https://unreachable.invalid:6443\"}"),
            new BlockCommand(List.of("gale", "worker"), Map.of()),
            Path.of("/nonexistent"));
    assertThat(registry.create("kubernetes", ctx)).isInstanceOf(KubernetesProvider.class);
    var bad =
        new ProviderContext(
            "default", json("{}"), BlockCommand.of("gale"), Path.of("/nonexistent"));
    assertThatThrownBy(() -> registry.create("kubernetes", bad))
        .hasMessageStartingWith("options.image is required");
  }
}
