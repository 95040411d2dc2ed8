package dev.gale.runtime.kinds.shell;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command line with {@code {name}} placeholders, parsed once per function.
 *
 * <p>Each argv element is rendered into exactly one argument: a placeholder is replaced by the
 * string form of the named argument, whatever characters it holds, and no shell ever sees the
 * result. {@code {{} and {@code }}} stand for literal braces. Placeholder names consist of letters,
 * digits, {@code _}, {@code -} and {@code .}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ArgvTemplate {

  private sealed interface Part permits Literal, Placeholder {}

  private record Literal(String text) implements Part {}

  private record Placeholder(String name) implements Part {}

  private final List<List<Part>> elements;
  private final Set<String> names;

  private ArgvTemplate(List<List<Part>> elements, Set<String> names) {
    this.elements = elements;
    this.names = names;
  }

  /** Thrown by {@link #render} when an argument named by a placeholder is missing. */
  public static final class MissingArgumentException extends Exception {
    private final String name;

    MissingArgumentException(String name) {
      super(
          "the command needs argument '" + name + "', which the invocation does not have",
          null,
          false,
          false);
      this.name = name;
    }

    /** The missing argument's name. */
    public String name() {
      return name;
    }
  }

  /**
   * Parses a command.
   *
   * @throws IllegalArgumentException naming the element and the problem when a brace is unbalanced
   *     or a placeholder name is empty or has other characters
   */
  public static ArgvTemplate parse(List<String> argv) {
    List<List<Part>> elements = new ArrayList<>(argv.size());
    Set<String> names = new LinkedHashSet<>();
    for (int index = 0; index < argv.size(); index++) {
      elements.add(parseElement(argv.get(index), index, names));
    }
    return new ArgvTemplate(List.copyOf(elements), Collections.unmodifiableSet(names));
  }

  private static List<Part> parseElement(String element, int index, Set<String> names) {
    List<Part> parts = new ArrayList<>(2);
    StringBuilder literal = new StringBuilder();
    int i = 0;
    int n = element.length();
    while (i < n) {
      char c = element.charAt(i);
      if (c == '{') {
        if (i + 1 < n && element.charAt(i + 1) == '{') {
          literal.append('{');
          i += 2;
          continue;
        }
        int close = element.indexOf('}', i + 1);
        if (close < 0) {
          throw problem(index, element, "'{' at position " + i + " is not closed");
        }
        String name = element.substring(i + 1, close);
        if (name.isEmpty()) {
          throw problem(index, element, "empty placeholder {} at position " + i);
        }
        if (!isName(name)) {
          throw problem(
              index,
              element,
              "placeholder {" + name + "} may only use letters, digits, '_', '-' and '.'");
        }
        if (literal.length() > 0) {
          parts.add(new Literal(literal.toString()));
          literal.setLength(0);
        }
        parts.add(new Placeholder(name));
        names.add(name);
        i = close + 1;
      } else if (c == '}') {
        if (i + 1 < n && element.charAt(i + 1) == '}') {
          literal.append('}');
          i += 2;
          continue;
        }
        throw problem(index, element, "single '}' at position " + i);
      } else {
        literal.append(c);
        i++;
      }
    }
    if (literal.length() > 0 || parts.isEmpty()) {
      parts.add(new Literal(literal.toString()));
    }
    return List.copyOf(parts);
  }

  private static boolean isName(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-'
              || c == '.';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static IllegalArgumentException problem(int index, String element, String what) {
    return new IllegalArgumentException(
        "command["
            + index
            + "] \""
            + element
            + "\": "
            + what
            + " (write {{ and }} for literal braces)");
  }

  /** The placeholder names, in order of first appearance. */
  public Set<String> names() {
    return names;
  }

  /** The number of argv elements. */
  public int size() {
    return elements.size();
  }

  /**
   * Renders the argv.
   *
   * @param values the string form of each argument, by name
   * @throws MissingArgumentException when a placeholder names an argument not in {@code values}
   */
  public List<String> render(Map<String, String> values) throws MissingArgumentException {
    List<String> argv = new ArrayList<>(elements.size());
    StringBuilder sb = new StringBuilder();
    for (List<Part> parts : elements) {
      if (parts.size() == 1 && parts.get(0) instanceof Literal literal) {
        argv.add(literal.text());
        continue;
      }
      sb.setLength(0);
      for (Part part : parts) {
        if (part instanceof Literal literal) {
          sb.append(literal.text());
        } else {
          String name = ((Placeholder) part).name();
          String value = values.get(name);
          if (value == null) {
            throw new MissingArgumentException(name);
          }
          sb.append(value);
        }
      }
      argv.add(sb.toString());
    }
    return argv;
  }
}
