package dev.gale.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import java.util.Objects;

/**
 * The body of {@code POST /v1/functions}. Build with {@link #builder(String, String, JsonNode)};
 * fields left unset are omitted and take the service's defaults.
 */
public final class FunctionRequest {
  private final ObjectNode body;

  private FunctionRequest(ObjectNode body) {
    this.body = body;
  }

  /**
   * Starts a function definition.
   *
   * @param name a human name
   * @param kind {@code shell}, {@code python} or {@code java}
   * @param spec the kind-specific definition (see the user guide)
   */
  public static Builder builder(String name, String kind, JsonNode spec) {
    return new Builder(name, kind, spec);
  }

  /** The JSON body (a copy). */
  public ObjectNode toJson() {
    return body.deepCopy();
  }

  /** Builder for {@link FunctionRequest}. */
  public static final class Builder {
    private final ObjectNode body = Json.object();

    private Builder(String name, String kind, JsonNode spec) {
      body.put("name", Objects.requireNonNull(name, "name"));
      body.put("kind", Objects.requireNonNull(kind, "kind"));
      body.set("spec", Objects.requireNonNull(spec, "spec"));
    }

    /** The pool its tasks run in; service default {@code default}. */
    public Builder pool(String pool) {
      body.put("pool", pool);
      return this;
    }

    /** Re-runs after a failure or a lost worker; service default 0. */
    public Builder retries(int retries) {
      body.put("retries", retries);
      return this;
    }

    /** Bound on one attempt; service default none. */
    public Builder timeoutSeconds(int seconds) {
      body.put("timeoutSeconds", seconds);
      return this;
    }

    /** Whether other tenants may see and invoke it; service default false. */
    public Builder isPublic(boolean isPublic) {
      body.put("public", isPublic);
      return this;
    }

    /** Whether identical invocations may reuse a stored result; service default false. */
    public Builder cache(boolean cache) {
      body.put("cache", cache);
      return this;
    }

    /** Free-form resource hints such as {@code {"cpu": 1}}. */
    public Builder resources(JsonNode resources) {
      body.set("resources", resources);
      return this;
    }

    public FunctionRequest build() {
      return new FunctionRequest(body.deepCopy());
    }
  }
}
