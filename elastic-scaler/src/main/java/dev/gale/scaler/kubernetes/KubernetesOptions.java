package dev.gale.scaler.kubernetes;

import static dev.gale.scaler.kubernetes.OptionReader.annotationMap;
import static dev.gale.scaler.kubernetes.OptionReader.checkLimit;
import static dev.gale.scaler.kubernetes.OptionReader.invalid;
import static dev.gale.scaler.kubernetes.OptionReader.labelMap;
import static dev.gale.scaler.kubernetes.OptionReader.path;
import static dev.gale.scaler.kubernetes.OptionReader.present;
import static dev.gale.scaler.kubernetes.OptionReader.putQuantity;
import static dev.gale.scaler.kubernetes.OptionReader.q;
import static dev.gale.scaler.kubernetes.OptionReader.quantity;
import static dev.gale.scaler.kubernetes.OptionReader.seconds;
import static dev.gale.scaler.kubernetes.OptionReader.secretNames;
import static dev.gale.scaler.kubernetes.OptionReader.string;
import static dev.gale.scaler.kubernetes.OptionReader.tolerationList;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import io.kubernetes.client.custom.Quantity;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code options} of a {@code kubernetes} pool, validated. Every option is optional except
 * {@code image}; an unknown option is an error (a typo would otherwise be silently ignored).
 *
 * @param namespace {@code namespace}: where pods go; null means the scaler's own namespace when it
 *     runs in a pod, else the kubeconfig context's, else {@code default}
 * @param image {@code image}: the worker image (required)
 * @param imagePullPolicy {@code imagePullPolicy}: {@code Always}, {@code IfNotPresent} or {@code
 *     Never}; null leaves Kubernetes' default
 * @param requests {@code cpu} and {@code memory}: resource requests of the worker container
 * @param limits {@code cpuLimit} and {@code memoryLimit}: its resource limits (none by default)
 * @param serviceAccount {@code serviceAccount}: the pods' service account; without it pods get no
 *     API token mounted (workers do not call the Kubernetes API)
 * @param nodeSelector {@code nodeSelector}: node labels the pods require
 * @param tolerations {@code tolerations}: taints the pods tolerate
 * @param imagePullSecrets {@code imagePullSecrets}: names of existing Secrets for the registry
 * @param labels {@code labels}: extra pod labels (the {@code gale.dev/} ones are reserved)
 * @param annotations {@code annotations}: extra pod annotations
 * @param gracePeriod {@code gracePeriodSeconds} (default 45: a worker's default drain of 30 s, plus
 *     margin): how long a worker gets between SIGTERM and SIGKILL when its block is cancelled
 * @param imagePullGrace {@code imagePullGraceSeconds} (default 120): how long a pod may stay in
 *     {@code ErrImagePull}/{@code ImagePullBackOff} after its creation before the block counts as
 *     failed
 * @param apiServer {@code apiServer} and friends: an explicit API server, or null to use the
 *     in-cluster configuration or the kubeconfig
 */
public record KubernetesOptions(
    String namespace,
    String image,
    String imagePullPolicy,
    Map<String, Quantity> requests,
    Map<String, Quantity> limits,
    String serviceAccount,
    Map<String, String> nodeSelector,
    List<Toleration> tolerations,
    List<String> imagePullSecrets,
    Map<String, String> labels,
    Map<String, String> annotations,
    Duration gracePeriod,
    Duration imagePullGrace,
    ApiServer apiServer) {

  /** Default {@link #gracePeriod}. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(45);

  /** Default {@link #imagePullGrace}. */
  public static final Duration DEFAULT_IMAGE_PULL_GRACE = Duration.ofSeconds(120);

  /** Labels the provider sets itself; users may not set or override them. */
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  static final String RESERVED_PREFIX = "gale.dev/";

  private static final Set<String> KNOWN =
      new TreeSet<>(
          List.of(
              "namespace",
              "image",
              "imagePullPolicy",
              "cpu",
              "memory",
              "cpuLimit",
              "memoryLimit",
              "serviceAccount",
              "nodeSelector",
              "tolerations",
              "imagePullSecrets",
              "labels",
              "annotations",
              "gracePeriodSeconds",
              "imagePullGraceSeconds",
              "apiServer",
              "tokenFile",
              "caFile",
              "insecureSkipTlsVerify"));

  private static final Set<String> PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");

  public KubernetesOptions {
    Objects.requireNonNull(image, "image");
    requests = Map.copyOf(requests);
    limits = Map.copyOf(limits);
    nodeSelector = Map.copyOf(nodeSelector);
    tolerations = List.copyOf(tolerations);
    imagePullSecrets = List.copyOf(imagePullSecrets);
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(gracePeriod, "gracePeriod");
    Objects.requireNonNull(imagePullGrace, "imagePullGrace");
  }

  /**
   * One toleration, as in a pod spec.
   *
   * @param key the taint key, or null for all (with {@code Exists})
   * @param operator {@code Equal} (default) or {@code Exists}
   * @param value the taint value ({@code Equal} only)
   * @param effect {@code NoSchedule}, {@code PreferNoSchedule}, {@code NoExecute}, or null for all
   * @param tolerationSeconds how long a {@code NoExecute} taint is tolerated, or null for ever
   */
  public record Toleration(
      String key, String operator, String value, String effect, Long tolerationSeconds) {}

  /**
   * An explicit API server instead of the in-cluster configuration or the kubeconfig.
   *
   * @param url {@code apiServer}: its base URL, {@code http} or {@code https}
   * @param tokenFile {@code tokenFile}: a file holding a bearer token (re-read when it changes), or
   *     null for none
   * @param caFile {@code caFile}: PEM certificates to trust, or null for the JVM's
   * @param insecureSkipTlsVerify {@code insecureSkipTlsVerify}: do not verify the server's
   *     certificate (tests only)
   */
  public record ApiServer(URI url, Path tokenFile, Path caFile, boolean insecureSkipTlsVerify) {}

  /**
   * Validates a pool's options. Does no I/O: files named in options are read when the provider
   * first connects.
   *
   * @param pool the pool's name; it labels the pods, so it must be a valid label value
   * @throws InvalidRequestException naming the first bad option
   */
  public static KubernetesOptions parse(String pool, JsonNode options) {
    if (!KubernetesNames.isLabelValue(pool) || pool.isEmpty()) {
      throw new InvalidRequestException(
          "invalid_request",
          "pool name '"
              + pool
              + "' cannot label Kubernetes pods: a kubernetes pool's name must be at most 63"
              + " letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
          Json.object().put("field", "name"));
    }
    JsonNode o = options == null || options.isNull() ? Json.object() : options;
    if (!o.isObject()) {
      throw invalid("options", "options must be an object");
    }
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!KNOWN.contains(name)) {
        throw invalid(
            name,
            "options."
                + name
                + " is not a kubernetes option (known: "
                + String.join(", ", KNOWN)
                + ")");
      }
    }
    String namespace = string(o, "namespace");
    if (namespace != null && !KubernetesNames.isDnsLabel(namespace)) {
      throw invalid(
          "namespace", "options.namespace must be a valid namespace name, got " + q(namespace));
    }
    String image = string(o, "image");
    if (image == null || image.isBlank() || !image.strip().equals(image)) {
      throw invalid(
          "image", "options.image is required: the worker image, e.g. ghcr.io/example/gale:0.1.0");
    }
    String pullPolicy = string(o, "imagePullPolicy");
    if (pullPolicy != null && !PULL_POLICIES.contains(pullPolicy)) {
      throw invalid(
          "imagePullPolicy",
          "options.imagePullPolicy must be Always, IfNotPresent or Never, got " + q(pullPolicy));
    }
    Map<String, Quantity> requests = new LinkedHashMap<>();
    Map<String, Quantity> limits = new LinkedHashMap<>();
    putQuantity(requests, "cpu", quantity(o, "cpu"));
    putQuantity(requests, "memory", quantity(o, "memory"));
    putQuantity(limits, "cpu", quantity(o, "cpuLimit"));
    putQuantity(limits, "memory", quantity(o, "memoryLimit"));
    checkLimit(requests, limits, "cpu", "cpuLimit");
    checkLimit(requests, limits, "memory", "memoryLimit");
    String serviceAccount = string(o, "serviceAccount");
    if (serviceAccount != null && !KubernetesNames.isDnsSubdomain(serviceAccount)) {
      throw invalid(
          "serviceAccount",
          "options.serviceAccount must be a valid service account name, got " + q(serviceAccount));
    }
    Map<String, String> nodeSelector = labelMap(o, "nodeSelector", false);
    List<Toleration> tolerations = tolerationList(o);
    List<String> pullSecrets = secretNames(o, "imagePullSecrets");
    Map<String, String> labels = labelMap(o, "labels", true);
    Map<String, String> annotations = annotationMap(o);
    Duration grace = seconds(o, "gracePeriodSeconds", DEFAULT_GRACE);
    Duration pullGrace = seconds(o, "imagePullGraceSeconds", DEFAULT_IMAGE_PULL_GRACE);
    return new KubernetesOptions(
        namespace,
        image,
        pullPolicy,
        requests,
        limits,
        serviceAccount,
        nodeSelector,
        tolerations,
        pullSecrets,
        labels,
        annotations,
        grace,
        pullGrace,
        apiServer(o));
  }

  private static ApiServer apiServer(JsonNode o) {
    String url = string(o, "apiServer");
    String tokenFile = string(o, "tokenFile");
    String caFile = string(o, "caFile");
    JsonNode insecure = present(o, "insecureSkipTlsVerify");
    if (insecure != null && !insecure.isBoolean()) {
      throw invalid("insecureSkipTlsVerify", "options.insecureSkipTlsVerify must be true or false");
    }
    if (url == null) {
      for (String dependent : List.of("tokenFile", "caFile", "insecureSkipTlsVerify")) {
        if (present(o, dependent) != null) {
          throw invalid(
              dependent,
              "options." + dependent + " needs options.apiServer (it configures that connection)");
        }
      }
      return null;
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (java.net.URISyntaxException e) {
      uri = null;
    }
    if (uri == null
        || uri.getHost() == null
        || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw invalid(
          "apiServer",
          "options.apiServer must be an http(s) URL such as https://10.0.0.1:6443, got " + q(url));
    }
    return new ApiServer(
        uri,
        tokenFile == null ? null : path("tokenFile", tokenFile),
        caFile == null ? null : path("caFile", caFile),
        insecure != null && insecure.asBoolean());
  }
}
