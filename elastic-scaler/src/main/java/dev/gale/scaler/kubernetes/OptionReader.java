package dev.gale.scaler.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import io.kubernetes.client.custom.Quantity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and checks single options of a {@code kubernetes} pool; every error is an {@link
 * InvalidRequestException} whose message and {@code details.field} name the option.
 */
final class OptionReader {
  private static final Set<String> OPERATORS = Set.of("Equal", "Exists");
  private static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

  private OptionReader() {}

  /** An array of object names (Secrets), or empty when absent. */
  static List<String> secretNames(JsonNode o, String name) {
    List<String> out = new ArrayList<>();
    JsonNode ps = present(o, name);
    if (ps == null) {
      return out;
    }
    if (!ps.isArray()) {
      throw invalid(name, "options." + name + " must be an array of Secret names");
    }
    for (JsonNode n : ps) {
      if (!n.isTextual() || !KubernetesNames.isDnsSubdomain(n.asText())) {
        throw invalid(name, "options." + name + " must be an array of Secret names, got " + n);
      }
      out.add(n.asText());
    }
    return out;
  }

  static Path path(String name, String value) {
    try {
      Path p = Path.of(value);
      if (!p.isAbsolute()) {
        throw invalid(name, "options." + name + " must be an absolute path, got " + q(value));
      }
      return p;
    } catch (java.nio.file.InvalidPathException e) {
      throw invalid(name, "options." + name + " is not a valid path: " + q(value));
    }
  }

  static List<KubernetesOptions.Toleration> tolerationList(JsonNode o) {
    JsonNode ts = present(o, "tolerations");
    List<KubernetesOptions.Toleration> out = new ArrayList<>();
    if (ts == null) {
      return out;
    }
    if (!ts.isArray()) {
      throw invalid("tolerations", "options.tolerations must be an array of tolerations");
    }
    Set<String> fields = Set.of("key", "operator", "value", "effect", "tolerationSeconds");
    for (int i = 0; i < ts.size(); i++) {
      JsonNode t = ts.get(i);
      String at = "options.tolerations[" + i + "]";
      if (!t.isObject()) {
        throw invalid("tolerations", at + " must be an object with key, operator, value, effect");
      }
      for (Iterator<String> it = t.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!fields.contains(f)) {
          throw invalid(
              "tolerations",
              at
                  + "."
                  + f
                  + " is not a toleration field (known: effect, key, operator, tolerationSeconds, value)");
        }
      }
      String key = text(t, "key", at);
      String operator = text(t, "operator", at);
      String value = text(t, "value", at);
      String effect = text(t, "effect", at);
      if (operator != null && !OPERATORS.contains(operator)) {
        throw invalid("tolerations", at + ".operator must be Equal or Exists, got " + q(operator));
      }
      boolean exists = "Exists".equals(operator);
      if (key != null && !KubernetesNames.isQualifiedName(key)) {
        throw invalid("tolerations", at + ".key must be a valid taint key, got " + q(key));
      }
      if (key == null && !exists) {
        throw invalid("tolerations", at + ".key is required unless operator is Exists");
      }
      if (exists && value != null && !value.isEmpty()) {
        throw invalid("tolerations", at + ".value must be empty when operator is Exists");
      }
      if (value != null && !KubernetesNames.isLabelValue(value)) {
        throw invalid("tolerations", at + ".value must be a valid label value, got " + q(value));
      }
      if (effect != null && !EFFECTS.contains(effect)) {
        throw invalid(
            "tolerations",
            at + ".effect must be NoSchedule, PreferNoSchedule or NoExecute, got " + q(effect));
      }
      Long seconds = null;
      JsonNode s = present(t, "tolerationSeconds");
      if (s != null) {
        if (!s.canConvertToLong() || !s.isIntegralNumber()) {
          throw invalid("tolerations", at + ".tolerationSeconds must be an integer");
        }
        if (!"NoExecute".equals(effect)) {
          throw invalid("tolerations", at + ".tolerationSeconds needs effect NoExecute");
        }
        seconds = s.asLong();
      }
      out.add(new KubernetesOptions.Toleration(key, operator, value, effect, seconds));
    }
    return out;
  }

  static Map<String, String> labelMap(JsonNode o, String name, boolean userLabels) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode m = present(o, name);
    if (m == null) {
      return out;
    }
    if (!m.isObject()) {
      throw invalid(name, "options." + name + " must be an object of label names to values");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      if (!KubernetesNames.isQualifiedName(k)) {
        throw invalid(name, "options." + name + " has an invalid label name " + q(k));
      }
      if (userLabels
          && (k.equals(KubernetesOptions.MANAGED_BY)
              || k.startsWith(KubernetesOptions.RESERVED_PREFIX))) {
        throw invalid(
            name,
            "options."
                + name
                + "."
                + k
                + " is reserved: Gale sets "
                + KubernetesOptions.MANAGED_BY
                + " and the "
                + KubernetesOptions.RESERVED_PREFIX
                + " labels itself");
      }
      if (!e.getValue().isTextual() || !KubernetesNames.isLabelValue(e.getValue().asText())) {
        throw invalid(
            name,
            "options."
                + name
                + "."
                + k
                + " must be a string label value (at most 63 letters, digits, '-', '_' or '.'), got "
                + e.getValue());
      }
      out.put(k, e.getValue().asText());
    }
    return out;
  }

  static Map<String, String> annotationMap(JsonNode o) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode m = present(o, "annotations");
    if (m == null) {
      return out;
    }
    if (!m.isObject()) {
      throw invalid("annotations", "options.annotations must be an object of names to strings");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!KubernetesNames.isQualifiedName(e.getKey())) {
        throw invalid("annotations", "options.annotations has an invalid name " + q(e.getKey()));
      }
      if (!e.getValue().isTextual()) {
        throw invalid(
            "annotations",
            "options.annotations." + e.getKey() + " must be a string, got " + e.getValue());
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  static Quantity quantity(JsonNode o, String name) {
    JsonNode n = present(o, name);
    if (n == null) {
      return null;
    }
    String s = n.isNumber() ? n.asText() : n.isTextual() ? n.asText() : null;
    Quantity q = null;
    if (s != null && !s.isBlank()) {
      try {
        q = Quantity.fromString(s);
      } catch (RuntimeException e) {
        q = null;
      }
    }
    if (q == null || q.getNumber().signum() <= 0) {
      throw invalid(
          name,
          "options."
              + name
              + " must be a positive Kubernetes quantity such as "
              + (name.startsWith("cpu") ? "\"500m\" or 2" : "\"512Mi\" or \"4Gi\"")
              + ", got "
              + n);
    }
    return q;
  }

  static void putQuantity(Map<String, Quantity> m, String resource, Quantity q) {
    if (q != null) {
      m.put(resource, q);
    }
  }

  static void checkLimit(
      Map<String, Quantity> requests,
      Map<String, Quantity> limits,
      String resource,
      String option) {
    Quantity r = requests.get(resource);
    Quantity l = limits.get(resource);
    if (r != null && l != null && l.getNumber().compareTo(r.getNumber()) < 0) {
      throw invalid(
          option,
          "options."
              + option
              + " ("
              + l.toSuffixedString()
              + ") must not be less than options."
              + resource
              + " ("
              + r.toSuffixedString()
              + ")");
    }
  }

  static Duration seconds(JsonNode o, String name, Duration dflt) {
    JsonNode n = present(o, name);
    if (n == null) {
      return dflt;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 0) {
      throw invalid(name, "options." + name + " must be a non-negative integer, got " + n);
    }
    return Duration.ofSeconds(n.asInt());
  }

  static String string(JsonNode o, String name) {
    JsonNode n = present(o, name);
    if (n == null) {
      return null;
    }
    if (!n.isTextual()) {
      throw invalid(name, "options." + name + " must be a string, got " + n);
    }
    return n.asText();
  }

  static String text(JsonNode o, String name, String at) {
    JsonNode n = present(o, name);
    if (n == null) {
      return null;
    }
    if (!n.isTextual()) {
      throw invalid("tolerations", at + "." + name + " must be a string, got " + n);
    }
    return n.asText();
  }

  static JsonNode present(JsonNode o, String name) {
    JsonNode n = o.get(name);
    return n == null || n.isNull() ? null : n;
  }

  static String q(String s) {
    return "'" + s + "'";
  }

  static InvalidRequestException invalid(String option, String message) {
    return new InvalidRequestException(
        "invalid_request", message, Json.object().put("field", "options." + option));
  }
}
