package dev.gale.transfer.staging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.InvalidRequestException;
import dev.gale.transfer.StagingException;
import dev.gale.transfer.StagingException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of a function's {@code outputs}: a file (or directory) the function writes in its
 * working directory, and where to upload it after a successful run.
 *
 * <pre>{"path": "out.csv", "to": "s3://bucket/runs/{run}/out.csv", "optional": false}</pre>
 *
 * <p>Each {@code {name}} in {@code to} is replaced by the string form of the top-level argument
 * {@code name} (strings as they are, numbers and booleans as their JSON text, objects and arrays as
 * compact JSON), percent-encoded so that it stays within one path segment ({@code /} becomes {@code
 * %2F}); a value of {@code .} or {@code ..} is refused. A directory is uploaded file by file below
 * {@code to}.
 *
 * @param path the file or directory, relative to the working directory, inside it
 * @param to the destination URL template
 * @param optional when true a missing file is skipped instead of failing the task
 */
public record OutputSpec(String path, String to, boolean optional) {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)\\}");
  private static final Set<String> MEMBERS = Set.of("path", "to", "optional");

  /**
   * Reads a function's {@code outputs} array (null or missing gives none). The gateway can call
   * this when a function is registered, so that a malformed entry is refused then.
   *
   * @throws InvalidRequestException naming the bad entry
   */
  public static List<OutputSpec> parseAll(JsonNode outputs) {
    List<OutputSpec> specs = new ArrayList<>();
    if (outputs == null || outputs.isNull() || outputs.isMissingNode()) {
      return specs;
    }
    if (!outputs.isArray()) {
      throw new InvalidRequestException("outputs must be an array of {path, to} objects");
    }
    for (int i = 0; i < outputs.size(); i++) {
      JsonNode o = outputs.get(i);
      String where = "outputs[" + i + "]";
      if (!o.isObject()) {
        throw new InvalidRequestException(where + " must be an object {path, to}");
      }
      Iterator<String> names = o.fieldNames();
      while (names.hasNext()) {
        String n = names.next();
        if (!MEMBERS.contains(n)) {
          throw new InvalidRequestException(where + " has unknown member '" + n + "'");
        }
      }
      if (!o.path("path").isTextual() || o.path("path").asText().isBlank()) {
        throw new InvalidRequestException(where + ".path must be a relative file path");
      }
      if (!o.path("to").isTextual() || !o.path("to").asText().contains("://")) {
        throw new InvalidRequestException(where + ".to must be a URL such as s3://bucket/key");
      }
      if (o.has("optional") && !o.get("optional").isBoolean()) {
        throw new InvalidRequestException(where + ".optional must be true or false");
      }
      String path = o.get("path").asText();
      if (path.startsWith("/") || List.of(path.split("[/\\\\]")).contains("..")) {
        throw new InvalidRequestException(
            where + ".path must stay inside the working directory (relative, no '..')");
      }
      specs.add(new OutputSpec(path, o.get("to").asText(), o.path("optional").asBoolean(false)));
    }
    return specs;
  }

  /** The names this spec's {@code to} uses. */
  public List<String> placeholders() {
    List<String> names = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(to);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /**
   * The destination with every placeholder filled.
   *
   * @throws StagingException with reason {@code INVALID} when a placeholder has no value or a value
   *     is {@code .} or {@code ..}
   */
  public String destination(Map<String, String> variables) {
    Matcher m = PLACEHOLDER.matcher(to);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String value = variables.get(name);
      if (value == null) {
        throw new StagingException(
            Reason.INVALID,
            "output " + path + " goes to a URL with {" + name + "}, but the args have no " + name,
            false,
            null);
      }
      if (value.equals(".") || value.equals("..")) {
        throw new StagingException(
            Reason.INVALID,
            "output " + path + ": argument " + name + " may not be '" + value + "' in a URL",
            false,
            null);
      }
      m.appendReplacement(b, Matcher.quoteReplacement(encode(value)));
    }
    m.appendTail(b);
    return b.toString();
  }

  /**
   * The string forms of the top-level args that templates use: strings as they are, other values as
   * compact JSON. Not an object: no variables.
   */
  public static Map<String, String> variables(JsonNode args) {
    Map<String, String> vars = new LinkedHashMap<>();
    if (args != null && args.isObject()) {
      args.fields()
          .forEachRemaining(
              e ->
                  vars.put(
                      e.getKey(),
                      e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
    }
    return vars;
  }

  // RFC 3986 unreserved characters stay; every other UTF-8 byte is %XX
  static String encode(String value) {
    StringBuilder b = new StringBuilder();
    for (byte x : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (x & 0xff);
      boolean unreserved =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '.'
              || c == '_'
              || c == '~';
      if (unreserved) {
        b.append(c);
      } else {
        b.append('%')
            .append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return b.toString();
  }
}
