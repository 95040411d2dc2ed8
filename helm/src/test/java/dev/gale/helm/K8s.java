package dev.gale.helm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/** Small readers over parsed Kubernetes objects. */
final class K8s {
  private K8s() {}

  static String name(JsonNode object) {
    return object.path("metadata").path("name").asText();
  }

  static String namespace(JsonNode object) {
    return object.path("metadata").path("namespace").asText();
  }

  /** A map of strings (labels, selectors, nodeSelector) as a Java map; empty when absent. */
  static Map<String, String> strings(JsonNode map) {
    Map<String, String> out = new LinkedHashMap<>();
    map.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  static Map<String, String> labels(JsonNode object) {
    return strings(object.path("metadata").path("labels"));
  }

  /** The pod template of a Deployment or StatefulSet. */
  static JsonNode podTemplate(JsonNode workload) {
    return workload.path("spec").path("template");
  }

  static JsonNode podSpec(JsonNode workload) {
    return podTemplate(workload).path("spec");
  }

  static Map<String, String> podLabels(JsonNode workload) {
    return labels(podTemplate(workload));
  }

  /** True when every selector entry is among the labels (how matchLabels selects). */
  static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return !selector.isEmpty()
        && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  static List<JsonNode> containers(JsonNode workload) {
    List<JsonNode> out = new ArrayList<>();
    podSpec(workload).path("containers").forEach(out::add);
    return out;
  }

  static JsonNode container(JsonNode workload, String name) {
    return containers(workload).stream()
        .filter(c -> name.equals(c.path("name").asText()))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("no container " + name));
  }

  /** The single container of a workload's pods. */
  static JsonNode onlyContainer(JsonNode workload) {
    List<JsonNode> cs = containers(workload);
    if (cs.size() != 1) {
      throw new IllegalStateException(name(workload) + " has " + cs.size() + " containers");
    }
    return cs.get(0);
  }

  /** An environment entry of a container by name. */
  static Optional<JsonNode> env(JsonNode container, String name) {
    for (JsonNode e : container.path("env")) {
      if (name.equals(e.path("name").asText())) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** The literal value of an environment variable; fails if it is absent or not a literal. */
  static String envValue(JsonNode container, String name) {
    JsonNode e =
        env(container, name)
            .orElseThrow(
                () ->
                    new NoSuchElementException(
                        container.path("name").asText() + " has no $" + name));
    if (!e.has("value")) {
      throw new IllegalStateException("$" + name + " is not a literal: " + e);
    }
    return e.path("value").asText();
  }

  /** Container port numbers by port name. */
  static Map<String, Integer> containerPorts(JsonNode workload) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (JsonNode c : containers(workload)) {
      for (JsonNode p : c.path("ports")) {
        out.put(p.path("name").asText(), p.path("containerPort").asInt());
      }
    }
    return out;
  }

  /** Resolves a port reference (a name or a number) against a workload's container ports. */
  static Optional<Integer> resolvePort(JsonNode workload, JsonNode ref) {
    Map<String, Integer> ports = containerPorts(workload);
    if (ref.isInt()) {
      return ports.containsValue(ref.asInt()) ? Optional.of(ref.asInt()) : Optional.empty();
    }
    return Optional.ofNullable(ports.get(ref.asText()));
  }
}
