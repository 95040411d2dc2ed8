package dev.gale.scaler.kubernetes;

import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.BlockRequest;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1LocalObjectReference;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import io.kubernetes.client.openapi.models.V1Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pod (and the Secret holding its environment) of one block. Pure: builds objects, sends
 * nothing.
 *
 * <p>The block command's argv becomes the container's {@code args} (the image's {@code ENTRYPOINT},
 * if it has one, receives them). Its environment, which carries the pool's worker token, never
 * appears in the pod spec: it goes into a Secret named {@code <block>-env} and each variable is a
 * {@code secretKeyRef} to it.
 */
final class PodTemplate {
  /** The worker container's name. */
  static final String CONTAINER = "worker";

  static final String POOL_LABEL = "gale.dev/pool";
  static final String BLOCK_LABEL = "gale.dev/block";
  static final String MANAGED_BY_VALUE = "gale";

  private final String pool;
  private final KubernetesOptions options;
  private final BlockCommand command;

  PodTemplate(String pool, KubernetesOptions options, BlockCommand command) {
    this.pool = pool;
    this.options = options;
    this.command = command;
  }

  /** The label selector of all pods of this pool. */
  String poolSelector() {
    return KubernetesOptions.MANAGED_BY + "=" + MANAGED_BY_VALUE + "," + POOL_LABEL + "=" + pool;
  }

  /** The name of the Secret holding a block's environment. */
  static String secretName(String blockId) {
    return blockId + "-env";
  }

  /** The labels of a block's pod and Secret: the user's extra ones, then Gale's. */
  Map<String, String> labels(String blockId) {
    Map<String, String> l = new TreeMap<>(options.labels());
    l.put(KubernetesOptions.MANAGED_BY, MANAGED_BY_VALUE);
    l.put(POOL_LABEL, pool);
    l.put(BLOCK_LABEL, blockId);
    return l;
  }

  /** The values of a block's environment (to mask in messages). */
  java.util.Collection<String> envValues(String blockId, BlockRequest request) {
    return command.envFor(blockId, request).values();
  }

  /** The Secret with the block's environment, or null when the command has no environment. */
  V1Secret secret(String blockId, BlockRequest request) {
    Map<String, String> env = command.envFor(blockId, request);
    if (env.isEmpty()) {
      return null;
    }
    return new V1Secret()
        .apiVersion("v1")
        .kind("Secret")
        .metadata(new V1ObjectMeta().name(secretName(blockId)).labels(labels(blockId)))
        .type("Opaque")
        .stringData(new TreeMap<>(env));
  }

  /** The Secret made owned by its pod, so that Kubernetes deletes it with the pod. */
  static V1Secret ownedBy(V1Secret secret, V1Pod pod) {
    secret
        .getMetadata()
        .ownerReferences(
            List.of(
                new V1OwnerReference()
                    .apiVersion("v1")
                    .kind("Pod")
                    .name(pod.getMetadata().getName())
                    .uid(pod.getMetadata().getUid())));
    return secret;
  }

  /** The pod of a block. */
  V1Pod pod(String blockId, BlockRequest request) {
    Map<String, String> env = command.envFor(blockId, request);
    List<V1EnvVar> envVars = new ArrayList<>();
    new TreeMap<>(env)
        .keySet()
        .forEach(
            name ->
                envVars.add(
                    new V1EnvVar()
                        .name(name)
                        .valueFrom(
                            new V1EnvVarSource()
                                .secretKeyRef(
                                    new V1SecretKeySelector()
                                        .name(secretName(blockId))
                                        .key(name)))));
    V1Container container =
        new V1Container()
            .name(CONTAINER)
            .image(options.image())
            .imagePullPolicy(options.imagePullPolicy())
            .args(command.argvFor(blockId, request))
            .env(envVars.isEmpty() ? null : envVars);
    if (!options.requests().isEmpty() || !options.limits().isEmpty()) {
      container.resources(
          new V1ResourceRequirements()
              .requests(options.requests().isEmpty() ? null : new TreeMap<>(options.requests()))
              .limits(options.limits().isEmpty() ? null : new TreeMap<>(options.limits())));
    }
    V1PodSpec spec =
        new V1PodSpec()
            .restartPolicy("Never")
            .containers(List.of(container))
            .terminationGracePeriodSeconds(options.gracePeriod().toSeconds())
            .enableServiceLinks(false);
    if (options.serviceAccount() != null) {
      spec.serviceAccountName(options.serviceAccount());
    } else {
      spec.automountServiceAccountToken(false);
    }
    if (!options.nodeSelector().isEmpty()) {
      spec.nodeSelector(new TreeMap<>(options.nodeSelector()));
    }
    if (!options.tolerations().isEmpty()) {
      spec.tolerations(
          options.tolerations().stream()
              .map(
                  t ->
                      new V1Toleration()
                          .key(t.key())
                          .operator(t.operator())
                          .value(t.value())
                          .effect(t.effect())
                          .tolerationSeconds(t.tolerationSeconds()))
              .toList());
    }
    if (!options.imagePullSecrets().isEmpty()) {
      spec.imagePullSecrets(
          options.imagePullSecrets().stream()
              .map(n -> new V1LocalObjectReference().name(n))
              .toList());
    }
    if (request.walltime() != null) {
      // the pod ends with reason DeadlineExceeded, which PodStates reports as TIMEOUT
      spec.activeDeadlineSeconds(Math.max(1, request.walltime().toSeconds()));
    }
    Map<String, String> annotations = new LinkedHashMap<>(options.annotations());
    return new V1Pod()
        .apiVersion("v1")
        .kind("Pod")
        .metadata(
            new V1ObjectMeta()
                .name(blockId)
                .labels(labels(blockId))
                .annotations(annotations.isEmpty() ? null : new TreeMap<>(annotations)))
        .spec(spec);
  }
}
