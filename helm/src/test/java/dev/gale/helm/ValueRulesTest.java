package dev.gale.helm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Rules across several values fail the render with a message that names what to change. */
class ValueRulesTest {
  static Stream<Arguments> contradictions() {
    return Stream.of(
        Arguments.of(
            "store: {kind: embedded}",
            "store.kind=embedded keeps the database on one member's volume, but scheduler.replicas is 3"),
        Arguments.of(
            "store: {kind: postgresql, postgresql: {password: secret123}}",
            "store.kind=postgresql needs store.postgresql.host"),
        Arguments.of(
            "store: {kind: postgresql, postgresql: {host: db}}",
            "store.kind=postgresql needs store.postgresql.password or store.postgresql.existingSecret"),
        Arguments.of(
            "auth: {adminToken: 0123456789abcdef0123, existingSecret: mine}",
            "set either auth.adminToken or auth.existingSecret, not both"),
        Arguments.of(
            "scheduler: {pdb: {maxUnavailable: 2}}",
            "scheduler.pdb.maxUnavailable (2) exceeds scheduler.backupCount (1)"),
        Arguments.of(
            "gateway: {autoscaling: {enabled: true, minReplicas: 5, maxReplicas: 3}}",
            "gateway.autoscaling.minReplicas must not exceed gateway.autoscaling.maxReplicas"),
        Arguments.of(
            "gateway: {ingress: {enabled: true, hosts: []}}",
            "gateway.ingress.enabled needs at least one entry in gateway.ingress.hosts"),
        Arguments.of(
            "workers: {scaling: {minBlocks: 5, maxBlocks: 2}}",
            "workers.scaling.minBlocks must not exceed workers.scaling.maxBlocks"),
        Arguments.of(
            "workers: {scaling: {initBlocks: 20}}",
            "workers.scaling.initBlocks must not exceed workers.scaling.maxBlocks"),
        Arguments.of(
            "extraPools: {default: {provider: local}}",
            "pool \"default\" is both workers.pool and a key of extraPools"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contradictions")
  void failsTheRenderNamingTheValuesToChange(String values, String message) {
    assertThatThrownBy(() -> Chart.withYaml(values).template()).hasMessageContaining(message);
  }
}
