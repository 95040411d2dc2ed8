package dev.gale.api.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a worker needs to run tasks of one function.
 *
 * @param id function id
 * @param kind {@code shell}, {@code python} or {@code java}
 * @param spec the function's kind-specific spec, as registered
 * @param timeoutSeconds bound on one attempt, or null
 */
public record FunctionSpec(String id, String kind, JsonNode spec, Integer timeoutSeconds) {}
