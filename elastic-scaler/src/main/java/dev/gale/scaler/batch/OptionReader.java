package dev.gale.scaler.batch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.InvalidRequestException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads a pool's {@code options} object. Every problem is an {@link InvalidRequestException} whose
 * message names the option ({@code options.NAME}) and says what was expected.
 */
public final class OptionReader {
  /** What a value that lands in a script directive or a command line may contain. */
  private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_.:,+@%/=-]+");

  private static final Pattern MEMORY = Pattern.compile("[1-9][0-9]*[KMGTkmgt]?");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final JsonNode options;
  private final String provider;

  /**
   * @param options the options object (never null)
   * @param provider the provider key, for messages
   */
  public OptionReader(JsonNode options, String provider) {
    this.options = options;
    this.provider = provider;
    if (!options.isObject()) {
      throw new InvalidRequestException(
          "options of provider " + provider + " must be an object, got " + options);
    }
  }

  /** Fails on an option not in {@code known}, listing the known ones (typos fail early). */
  public void requireOnly(Set<String> known) {
    Iterator<String> names = options.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!known.contains(n)) {
        throw new InvalidRequestException(
            "unknown option options."
                + n
                + " for provider "
                + provider
                + " (known: "
                + String.join(", ", new TreeSet<>(known))
                + ")");
      }
    }
  }

  private JsonNode get(String name) {
    JsonNode n = options.get(name);
    return n == null || n.isNull() ? null : n;
  }

  private InvalidRequestException bad(String name, String expected, JsonNode got) {
    return new InvalidRequestException("options." + name + " must be " + expected + ", got " + got);
  }

  /** A non-blank string without line breaks. */
  public Optional<String> text(String name) {
    JsonNode n = get(name);
    if (n == null) {
      return Optional.empty();
    }
    if (!n.isTextual() || n.asText().isBlank() || n.asText().contains("\n")) {
      throw bad(name, "a non-empty string on one line", n);
    }
    return Optional.of(n.asText().strip());
  }

  /** One word that is safe in a directive: letters, digits and {@code _.:,+@%/=-}. */
  public Optional<String> word(String name) {
    Optional<String> v = text(name);
    if (v.isPresent() && !WORD.matcher(v.get()).matches()) {
      throw bad(name, "one word of letters, digits and _.:,+@%/=-", options.get(name));
    }
    return v;
  }

  /** Lines from a string (split at line breaks) or an array of one-line strings; blanks dropped. */
  public List<String> lines(String name) {
    JsonNode n = get(name);
    List<String> out = new ArrayList<>();
    if (n == null) {
      return out;
    }
    if (n.isTextual()) {
      for (String l : n.asText().split("\\R")) {
        if (!l.isBlank()) {
          out.add(l.strip());
        }
      }
      return out;
    }
    if (!n.isArray()) {
      throw bad(name, "a string or an array of strings", n);
    }
    for (JsonNode e : n) {
      if (!e.isTextual() || e.asText().contains("\n") || e.asText().contains("\r")) {
        throw bad(name, "an array of one-line strings", n);
      }
      if (!e.asText().isBlank()) {
        out.add(e.asText().strip());
      }
    }
    return out;
  }

  /** An integer of at least {@code min}, or {@code dflt} when absent. */
  public int intAtLeast(String name, int dflt, int min) {
    JsonNode n = get(name);
    if (n == null) {
      return dflt;
    }
    if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < min) {
      throw bad(name, "an integer of at least " + min, n);
    }
    return n.asInt();
  }

  /** A boolean, or {@code dflt} when absent. */
  public boolean bool(String name, boolean dflt) {
    JsonNode n = get(name);
    if (n == null) {
      return dflt;
    }
    if (!n.isBoolean()) {
      throw bad(name, "true or false", n);
    }
    return n.asBoolean();
  }

  /** A walltime {@code HH:MM:SS} or {@code D-HH:MM:SS}. */
  public Optional<Duration> walltime(String name) {
    Optional<String> v = text(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Walltime.parse(v.get()));
    } catch (IllegalArgumentException e) {
      throw bad(name, "a walltime HH:MM:SS or D-HH:MM:SS", options.get(name));
    }
  }

  /** Memory per node: a positive integer with an optional unit K, M, G or T (default M). */
  public Optional<String> memory(String name) {
    Optional<String> v = text(name);
    if (v.isPresent() && !MEMORY.matcher(v.get()).matches()) {
      throw bad(name, "a size such as 4096M or 16G (units K, M, G, T; default M)", get(name));
    }
    return v.map(s -> s.toUpperCase(java.util.Locale.ROOT));
  }

  /** An absolute path without white space or quotes (it lands in directives and command lines). */
  public Optional<Path> absolutePath(String name) {
    Optional<String> v = word(name);
    if (v.isPresent() && !Path.of(v.get()).isAbsolute()) {
      throw bad(name, "an absolute path", get(name));
    }
    return v.map(Path::of);
  }

  /** An object of string values keyed by environment variable names. */
  public Map<String, String> environment(String name) {
    JsonNode n = get(name);
    Map<String, String> out = new LinkedHashMap<>();
    if (n == null) {
      return out;
    }
    if (!n.isObject()) {
      throw bad(name, "an object of environment variables", n);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!ENV_NAME.matcher(e.getKey()).matches() || !e.getValue().isTextual()) {
        throw bad(name, "an object of NAME: \"string\" environment variables", n);
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /** An array of environment variable names. */
  public List<String> environmentNames(String name) {
    JsonNode n = get(name);
    List<String> out = new ArrayList<>();
    if (n == null) {
      return out;
    }
    if (!n.isArray()) {
      throw bad(name, "an array of environment variable names", n);
    }
    for (JsonNode e : n) {
      if (!e.isTextual() || !ENV_NAME.matcher(e.asText()).matches()) {
        throw bad(name, "an array of environment variable names", n);
      }
      out.add(e.asText());
    }
    return out;
  }
}
