package dev.gale.transfer.staging;

import com.fasterxml.jackson.core.JsonPointer;
import java.net.URI;

/**
 * One {@code {"$file": "<url>"}} found in task args.
 *
 * @param at where it is in the args (a JSON pointer; empty for the args themselves)
 * @param url the URL to stage in (may hold credentials: show only its redacted form)
 * @param name the local file name the ref asks for ({@code "name"} beside {@code $file}), or null
 */
public record FileRef(JsonPointer at, URI url, String name) {

  /** The location for messages, e.g. {@code args.inputs[2]}. */
  public String location() {
    StringBuilder b = new StringBuilder("args");
    for (JsonPointer p = at; p != null && !p.matches(); p = p.tail()) {
      if (p.getMatchingIndex() >= 0 && p.getMatchingProperty().matches("\\d+")) {
        b.append('[').append(p.getMatchingIndex()).append(']');
      } else {
        b.append('.').append(p.getMatchingProperty());
      }
    }
    return b.toString();
  }
}
