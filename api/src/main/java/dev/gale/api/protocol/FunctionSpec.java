package dev.gale.api.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a worker needs to run tasks of one function.
 *
 * @param id function id
 * @param kind {@code shell}, {@code python} or {@code java}
 * @param spec the function's kind-specific spec, as registered
 * @param timeoutSeconds bound on one attempt, or null
 * @param outputs the function's {@code outputs} (files staged out after success), or null
 * @param resultTo where a result over the limit is offloaded, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FunctionSpec(
    String id,
    String kind,
    JsonNode spec,
    Integer timeoutSeconds,
    JsonNode outputs,
    String resultTo) {

  /** A spec without {@code outputs} or {@code resultTo}. */
  public FunctionSpec(String id, String kind, JsonNode spec, Integer timeoutSeconds) {
    this(id, kind, spec, timeoutSeconds, null, null);
  }
}
