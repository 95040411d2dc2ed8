package dev.gale.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;

/**
 * A registered function. Immutable: registering again creates a new function with a new id.
 *
 * @param id server-assigned id ({@code fn-…})
 * @param tenant the owning tenant
 * @param name a human name, unique only for display
 * @param kind {@code shell}, {@code python} or {@code java}
 * @param spec kind-specific definition, validated at registration
 * @param pool the pool its tasks run in unless an invocation names another
 * @param resources free-form resource hints (cpu, memory), or null
 * @param retries re-runs allowed after a failure or a lost worker (0 = none)
 * @param retryOn the failure kinds that are retried ({@link RetryOn}), or null for all of them
 * @param timeoutSeconds bound on one attempt, or null for none
 * @param cache whether identical invocations may reuse a stored result
 * @param isPublic whether other tenants may see and invoke it
 * @param createdAt when it was registered
 * @param outputs files the function writes and where they go after it succeeds ({@code [{"path",
 *     "to", "optional"?}]}, destinations templated by args), or null for none
 * @param resultTo a URL prefix a result larger than the result limit is uploaded below (the task's
 *     result then becomes a reference to it), or null: such results fail with {@code
 *     result_too_large}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FunctionDefinition(
    String id,
    String tenant,
    String name,
    String kind,
    JsonNode spec,
    String pool,
    JsonNode resources,
    int retries,
    List<String> retryOn,
    Integer timeoutSeconds,
    boolean cache,
    @JsonProperty("public") boolean isPublic,
    Instant createdAt,
    JsonNode outputs,
    String resultTo)
    implements Serializable {

  /** The canonical constructor, the one JSON binds to. */
  @JsonCreator
  public FunctionDefinition {}

  /** A function without {@code outputs} or {@code resultTo}. */
  public FunctionDefinition(
      String id,
      String tenant,
      String name,
      String kind,
      JsonNode spec,
      String pool,
      JsonNode resources,
      int retries,
      List<String> retryOn,
      Integer timeoutSeconds,
      boolean cache,
      boolean isPublic,
      Instant createdAt) {
    this(
        id,
        tenant,
        name,
        kind,
        spec,
        pool,
        resources,
        retries,
        retryOn,
        timeoutSeconds,
        cache,
        isPublic,
        createdAt,
        null,
        null);
  }

  /** True when {@code tenant} may see and invoke this function. */
  public boolean visibleTo(String tenant) {
    return isPublic || this.tenant.equals(tenant);
  }
}
