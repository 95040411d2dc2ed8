package dev.gale.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The chart under test, rendered through helm-java (Helm as a native library: no cluster, no
 * network). Values come from an optional values file plus {@code --set} pairs, in that order.
 */
final class Chart {
  /** The chart directory, {@code helm/gale}; surefire passes it, an IDE run from helm/ finds it. */
  static final Path DIR =
      Path.of(System.getProperty("gale.chart.dir", "gale")).toAbsolutePath().normalize();

  /** A release name that does not contain the chart name, so names get the "-gale" infix. */
  static final String RELEASE = "prod";

  static final String NAMESPACE = "gale-system";

  /** The Kubernetes version the renders assume (the chart needs 1.25 or later). */
  static final String KUBE_VERSION = "1.30.0";

  private final Path valuesFile;
  private String namespace = NAMESPACE;
  private final Map<String, Object> sets = new LinkedHashMap<>();

  private Chart(Path valuesFile) {
    this.valuesFile = valuesFile;
  }

  /** The chart with its default values. */
  static Chart defaults() {
    return new Chart(null);
  }

  /** The chart with a values file from the test resources, e.g. {@code values-production.yaml}. */
  static Chart withValues(String resource) {
    Path file = Path.of("src/test/resources", resource).toAbsolutePath();
    if (!Files.isRegularFile(file)) {
      // run from the repository root (an IDE) rather than from helm/
      file = DIR.resolveSibling("src/test/resources").resolve(resource);
    }
    return new Chart(file);
  }

  /**
   * The chart with values given as YAML text (written to a file under target/): unlike {@code
   * --set}, YAML keeps numbers such as 0.5 typed.
   */
  static Chart withYaml(String yaml) {
    try {
      Path dir = Files.createDirectories(Path.of("target", "values"));
      Path file = Files.createTempFile(dir, "values-", ".yaml");
      Files.writeString(file, yaml);
      return new Chart(file.toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Renders into another namespace than {@link #NAMESPACE}. */
  Chart namespace(String namespace) {
    this.namespace = namespace;
    return this;
  }

  /** Adds one {@code --set key=value}. */
  Chart set(String key, Object value) {
    sets.put(key, value);
    return this;
  }

  /** {@code helm template}: the parsed manifests, or Helm's error as an exception. */
  Manifests template() {
    KubeApi.ensureStarted();
    TemplateCommand cmd =
        new Helm(DIR)
            .template()
            .withName(RELEASE)
            .withNamespace(namespace)
            .withKubeVersion(KUBE_VERSION);
    if (valuesFile != null) {
      cmd.withValuesFile(valuesFile);
    }
    sets.forEach(cmd::set);
    return Manifests.parse(cmd.call());
  }

  /** The NOTES.txt Helm prints after an install (a client-only dry run: nothing is contacted). */
  String notes() {
    KubeApi.ensureStarted();
    InstallCommand cmd =
        new Helm(DIR)
            .install()
            .withName(RELEASE)
            .withNamespace(namespace)
            .withKubeVersion(KUBE_VERSION)
            .clientOnly()
            .dryRun();
    if (valuesFile != null) {
      cmd.withValuesFile(valuesFile);
    }
    sets.forEach(cmd::set);
    return cmd.call().getOutput();
  }

  /** {@code helm lint --strict} on the chart directory with its default values. */
  static LintResult lintStrict() {
    KubeApi.ensureStarted();
    return new Helm(DIR).lint().strict().call();
  }
}
