package dev.gale.transfer.copy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.InvalidRequestException;
import dev.gale.transfer.StagingException;
import dev.gale.transfer.Urls;
import java.net.URI;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;

/**
 * A site-to-site copy, as {@code POST /v1/transfers} takes it: {@code {"source": url,
 * "destination": url, "recursive": false}}.
 *
 * <p>Without {@code recursive} the source is one object; a destination ending in {@code /} receives
 * it under the source's name, any other destination is the object's new URL. With {@code recursive}
 * the source is a directory or prefix and everything below it is copied to the same relative paths
 * below the destination.
 *
 * @param source where the data is (may hold credentials: never show it unredacted)
 * @param destination where it goes
 * @param recursive copy a whole directory or prefix
 */
public record TransferRequest(URI source, URI destination, boolean recursive) {
  private static final Set<String> MEMBERS = Set.of("source", "destination", "recursive");

  /** Checks both URLs are present. */
  public TransferRequest {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
  }

  /**
   * Reads a request body.
   *
   * @throws InvalidRequestException naming the bad member (never quoting a URL)
   */
  public static TransferRequest parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new InvalidRequestException(
          "a transfer is an object {source, destination, recursive?}");
    }
    Iterator<String> names = body.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!MEMBERS.contains(n)) {
        throw new InvalidRequestException("unknown member '" + n + "' in a transfer");
      }
    }
    JsonNode recursive = body.get("recursive");
    if (recursive != null && !recursive.isBoolean()) {
      throw new InvalidRequestException("recursive must be true or false");
    }
    return new TransferRequest(
        url(body, "source"), url(body, "destination"), recursive != null && recursive.asBoolean());
  }

  private static URI url(JsonNode body, String member) {
    JsonNode v = body.get(member);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new InvalidRequestException(member + " must be a URL string");
    }
    try {
      return Urls.parse(v.asText(), member);
    } catch (StagingException e) {
      throw new InvalidRequestException(e.getMessage());
    }
  }
}
