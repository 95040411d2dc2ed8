package dev.gale.transfer.staging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;

/**
 * The shape of an offloaded result: a task whose result is too large for the store and whose
 * function sets {@code resultTo} gets, as its result, a reference to the uploaded bytes.
 *
 * <pre>{"$ref_url": "s3://bucket/results/t-123.json", "size": 73400320,
 *  "sha256": "9f86d0…", "contentType": "application/json"}</pre>
 *
 * <p>{@code $ref_url} is the object's URL without credentials, query or fragment; reading it needs
 * credentials of the service's own stagers (configured per node or gateway), never ones from the
 * URL. {@code size} and {@code sha256} describe the exact bytes of the JSON result.
 */
public final class ResultRefs {
  /** The member that marks a result reference. */
  public static final String REF_URL = "$ref_url";

  private ResultRefs() {}

  /** A reference object. */
  public static ObjectNode of(String url, long size, String sha256) {
    ObjectNode ref = Json.object();
    ref.put(REF_URL, url);
    ref.put("size", size);
    ref.put("sha256", sha256);
    ref.put("contentType", "application/json");
    return ref;
  }

  /** True when a result is such a reference. */
  public static boolean isRef(JsonNode result) {
    return result != null
        && result.isObject()
        && result.path(REF_URL).isTextual()
        && result.path("size").canConvertToLong()
        && result.path("sha256").isTextual();
  }
}
