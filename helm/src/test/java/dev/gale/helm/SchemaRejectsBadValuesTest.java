package dev.gale.helm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * values.schema.json turns bad values into Helm's schema error, naming the field and the rule,
 * before anything is rendered: one case per rule.
 */
class SchemaRejectsBadValuesTest {
  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("image: {repository: ''}", "at '/image/repository': minLength"),
        Arguments.of(
            "image: {pullPolicy: Sometimes}", "at '/image/pullPolicy': value must be one of"),
        Arguments.of(
            "scheduler: {replicas: 0}", "at '/scheduler/replicas': minimum: got 0, want 1"),
        Arguments.of(
            "scheduler: {replicas: three}", "at '/scheduler/replicas': got string, want integer"),
        Arguments.of("gateway: {replicas: -1}", "at '/gateway/replicas': minimum"),
        Arguments.of("scaler: {replicas: 0}", "at '/scaler/replicas': minimum"),
        Arguments.of("gateway: {port: 70000}", "at '/gateway/port': maximum"),
        Arguments.of("gateway: {service: {port: 0}}", "at '/gateway/service/port': minimum"),
        Arguments.of("scheduler: {port: 65536}", "at '/scheduler/port': maximum"),
        Arguments.of(
            "gateway: {service: {nodePort: 8080}}", "at '/gateway/service/nodePort': minimum"),
        Arguments.of(
            "gateway: {service: {type: External}}",
            "at '/gateway/service/type': value must be one of"),
        Arguments.of(
            "store: {kind: mysql}",
            "at '/store/kind': value must be one of 'none', 'embedded', 'postgresql'"),
        Arguments.of("store: {retentionHours: 0}", "at '/store/retentionHours': minimum"),
        Arguments.of(
            "store: {finishedInMemorySeconds: 1.5}",
            "at '/store/finishedInMemorySeconds': got number, want integer"),
        Arguments.of(
            "store: {postgresql: {url: 'postgres://db/gale'}}",
            "at '/store/postgresql/url': 'postgres://db/gale' does not match"),
        Arguments.of(
            "scheduler: {backupCount: 7}", "at '/scheduler/backupCount': maximum: got 7, want 6"),
        Arguments.of(
            "scheduler: {antiAffinity: strict}",
            "at '/scheduler/antiAffinity': value must be one of"),
        Arguments.of(
            "workers: {scaling: {parallelism: 1.5}}", "at '/workers/scaling/parallelism': maximum"),
        Arguments.of(
            "workers: {scaling: {maxBlocks: -2}}", "at '/workers/scaling/maxBlocks': minimum"),
        Arguments.of(
            "workers: {pool: 'bad pool!'}", "at '/workers/pool': 'bad pool!' does not match"),
        Arguments.of("workers: {namespace: Not_A_Namespace}", "at '/workers/namespace'"),
        Arguments.of(
            "workers: {tolerations: [{key: a, operator: Maybe}]}",
            "at '/workers/tolerations/0/operator'"),
        Arguments.of("scaler: {gatewayUrl: 'ftp://gale.example.org'}", "at '/scaler/gatewayUrl'"),
        Arguments.of("auth: {adminToken: short}", "at '/auth/adminToken': 'short' does not match"),
        Arguments.of(
            "gateway: {autoscaling: {targetCPUUtilizationPercentage: 150}}",
            "at '/gateway/autoscaling/targetCPUUtilizationPercentage': maximum"),
        Arguments.of(
            "gateway: {resources: {limits: {memory: lots}}}",
            "at '/gateway/resources/limits/memory': 'lots' does not match"),
        Arguments.of(
            "gateway: {ingress: {hosts: [{host: gale.example.org, paths: [{path: api, pathType: Prefix}]}]}}",
            "at '/gateway/ingress/hosts/0/paths/0/path'"),
        Arguments.of(
            "gateway: {replica: 3}", "at '/gateway': additional properties 'replica' not allowed"),
        Arguments.of(
            "extraPools: {hpc: {maxBlocks: 3}}",
            "at '/extraPools/hpc': missing property 'provider'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void rejectsBadValueWithHelmsSchemaError(String values, String complaint) {
    assertThatThrownBy(() -> Chart.withYaml(values).template())
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(complaint);
  }
}
