package dev.gale.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import java.util.Objects;

/**
 * One entry of a batch submission ({@code POST /v1/tasks}).
 *
 * <p>In {@code args}, {@code {"$task": "<id>"}} makes the task depend on an existing task and
 * receive its result, {@code {"$ref": "<ref>"}} on another entry of the same batch.
 *
 * @param ref a name other entries of the batch may refer to, or null
 * @param function the function's id
 * @param args the arguments (a JSON object); null means {@code {}}
 * @param pool the pool to run in instead of the function's, or null
 * @param priority higher runs first within a pool, or null for the default
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskRequest(
    String ref, String function, JsonNode args, String pool, Integer priority) {

  public TaskRequest {
    Objects.requireNonNull(function, "function");
    if (args == null) {
      args = Json.object();
    }
  }

  /** A task of {@code function} with {@code args}, no ref, pool or priority. */
  public static TaskRequest of(String function, JsonNode args) {
    return new TaskRequest(null, function, args, null, null);
  }

  /** This request with a ref that other entries of the batch can name with {@code $ref}. */
  public TaskRequest withRef(String ref) {
    return new TaskRequest(ref, function, args, pool, priority);
  }
}
