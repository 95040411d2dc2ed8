package dev.gale.transfer.staging;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.gale.transfer.StagingException;
import dev.gale.transfer.StagingException.Reason;
import dev.gale.transfer.Urls;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Finds {@code {"$file": "<url>"}} objects anywhere in task args (nested in objects and arrays) and
 * replaces them by local paths. A ref may also carry {@code "name"}, the local file name to use;
 * any other member beside {@code $file} is an error, so that a typo does not pass silently.
 */
public final class FileRefs {
  /** The member that marks a file reference. */
  public static final String FILE = "$file";

  /** The optional member naming the local file. */
  public static final String NAME = "name";

  private FileRefs() {}

  /** True when the args contain at least one {@code $file} member (cheap; no validation). */
  public static boolean present(JsonNode args) {
    return args != null && !args.findParents(FILE).isEmpty();
  }

  /**
   * Every file ref in document order.
   *
   * @throws StagingException with reason {@code INVALID} for a malformed ref (not a string URL,
   *     extra members, a bad name)
   */
  public static List<FileRef> find(JsonNode args) {
    List<FileRef> found = new ArrayList<>();
    if (args != null) {
      walk(args, JsonPointer.empty(), found);
    }
    return found;
  }

  private static void walk(JsonNode node, JsonPointer at, List<FileRef> found) {
    if (node.isObject()) {
      if (node.has(FILE)) {
        found.add(ref((ObjectNode) node, at));
        return;
      }
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        walk(f.getValue(), at.appendProperty(f.getKey()), found);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), at.appendIndex(i), found);
      }
    }
  }

  private static FileRef ref(ObjectNode node, JsonPointer at) {
    FileRef probe = new FileRef(at, null, null);
    JsonNode url = node.get(FILE);
    if (!url.isTextual() || url.asText().isBlank()) {
      throw invalid(probe.location() + ".$file must be a URL string");
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!n.equals(FILE) && !n.equals(NAME)) {
        throw invalid(
            probe.location()
                + " has '"
                + n
                + "' beside $file; a file ref holds only $file and name");
      }
    }
    String name = null;
    if (node.has(NAME)) {
      JsonNode n = node.get(NAME);
      if (!n.isTextual()) {
        throw invalid(probe.location() + ".name must be a string");
      }
      name = LocalNames.requirePlain(n.asText(), probe.location() + ".name");
    }
    return new FileRef(at, Urls.parse(url.asText(), probe.location() + ".$file"), name);
  }

  /**
   * A copy of the args with each ref at a key of {@code paths} replaced by that string. A ref at
   * the root replaces the whole args.
   */
  public static JsonNode replace(JsonNode args, Map<JsonPointer, String> paths) {
    JsonNode copy = args.deepCopy();
    for (Map.Entry<JsonPointer, String> e : paths.entrySet()) {
      JsonPointer at = e.getKey();
      if (at.matches()) {
        return TextNode.valueOf(e.getValue());
      }
      JsonNode parent = copy.at(at.head());
      String last = at.last().getMatchingProperty();
      if (parent.isArray()) {
        ((ArrayNode) parent).set(at.last().getMatchingIndex(), TextNode.valueOf(e.getValue()));
      } else if (parent.isObject()) {
        ((ObjectNode) parent).put(last, e.getValue());
      }
    }
    return copy;
  }

  private static StagingException invalid(String message) {
    return new StagingException(Reason.INVALID, message, false, null);
  }
}
