package dev.gale.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/** The documents {@code helm template} rendered, parsed, with lookups by kind and name. */
record Manifests(List<JsonNode> documents) {
  private static final YAMLMapper YAML = new YAMLMapper();

  static Manifests parse(String rendered) {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(rendered)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && doc.isObject() && doc.has("kind")) {
          docs.add(doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("rendered chart is not valid YAML:\n" + rendered, e);
    }
    return new Manifests(List.copyOf(docs));
  }

  /** Every document of a kind. */
  List<JsonNode> all(String kind) {
    return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
  }

  /** The one document of a kind with a name; fails listing what was rendered. */
  JsonNode one(String kind, String name) {
    return documents.stream()
        .filter(d -> kind.equals(d.path("kind").asText()))
        .filter(d -> name.equals(d.path("metadata").path("name").asText()))
        .findFirst()
        .orElseThrow(
            () -> new NoSuchElementException("no " + kind + " " + name + " in " + summary()));
  }

  boolean has(String kind, String name) {
    return all(kind).stream().anyMatch(d -> name.equals(d.path("metadata").path("name").asText()));
  }

  /** Deployments and StatefulSets: everything with a pod template. */
  List<JsonNode> workloads() {
    List<JsonNode> w = new ArrayList<>(all("Deployment"));
    w.addAll(all("StatefulSet"));
    return w;
  }

  /** "Kind/name" of every document, for failure messages. */
  List<String> summary() {
    return documents.stream()
        .map(d -> d.path("kind").asText() + "/" + d.path("metadata").path("name").asText())
        .toList();
  }
}
