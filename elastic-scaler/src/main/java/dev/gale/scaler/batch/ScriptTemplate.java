package dev.gale.scaler.batch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job script template: text with {@code {{name}}} placeholders (chosen so that the shell's own
 * {@code ${VAR}} stays untouched). A line that holds only a placeholder whose value is empty is
 * dropped, and runs of blank lines shrink to one. Immutable.
 */
public final class ScriptTemplate {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z][A-Za-z0-9]*)}}");

  private static final Pattern BLANK_RUN = Pattern.compile("\n{3,}");

  private final String name;
  private final String text;

  private ScriptTemplate(String name, String text) {
    this.name = name;
    this.text = text;
  }

  /** A template from its text. */
  public static ScriptTemplate of(String name, String text) {
    return new ScriptTemplate(name, text);
  }

  /**
   * A template from a class path resource next to {@code anchor}.
   *
   * @throws IllegalStateException when the resource is missing (a packaging error)
   */
  public static ScriptTemplate resource(Class<?> anchor, String resource) {
    try (InputStream in = anchor.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "template " + resource + " not found next to " + anchor.getName());
      }
      return new ScriptTemplate(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read template " + resource, e);
    }
  }

  /**
   * The text with every placeholder replaced.
   *
   * @throws IllegalArgumentException when a placeholder has no value
   */
  public String render(Map<String, String> values) {
    StringBuilder out = new StringBuilder(text.length() + 256);
    for (String line : text.split("\n", -1)) {
      Matcher whole = PLACEHOLDER.matcher(line.strip());
      if (whole.matches() && value(values, whole.group(1)).isEmpty()) {
        continue;
      }
      Matcher m = PLACEHOLDER.matcher(line);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(sb, Matcher.quoteReplacement(value(values, m.group(1))));
      }
      m.appendTail(sb);
      out.append(sb).append('\n');
    }
    out.setLength(out.length() - 1);
    // a dropped line between two blank ones would leave two blank lines in a row
    return BLANK_RUN.matcher(out).replaceAll("\n\n");
  }

  private String value(Map<String, String> values, String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("template " + name + " has no value for {{" + key + "}}");
    }
    return v;
  }
}
