package dev.gale.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.FunctionDefinition;
import dev.gale.api.Json;
import dev.gale.api.PoolInfo;
import dev.gale.api.Role;
import dev.gale.api.Task;
import dev.gale.api.TaskState;
import dev.gale.api.WorkerInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * The Java SDK for Gale's HTTP API (v1). Thread-safe; one instance can serve a whole application.
 *
 * <pre>{@code
 * GaleClient gale = GaleClient.fromEnvironment();
 * FunctionDefinition add = gale.registerFunction(
 *     FunctionRequest.builder("add", "python", spec).build());
 * Task t = gale.invoke(add.id(), args, 30);
 * }</pre>
 *
 * <p>Every method blocks until the answer arrives. Answers {@code 429} and {@code 503} are retried
 * by themselves following the {@link RetryPolicy}; any other error becomes a {@link
 * GaleClientException} carrying the HTTP status and the service's error code and message.
 */
public final class GaleClient implements AutoCloseable {
  /** Default service address. */
  public static final URI DEFAULT_URL = URI.create("http://127.0.0.1:8080");

  private final HttpCaller http;

  private GaleClient(HttpCaller http) {
    this.http = http;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * A client configured from the environment: {@code GALE_URL} (default {@code
   * http://127.0.0.1:8080}), and the token from {@code GALE_TOKEN} or else the file {@code
   * $GALE_HOME/token} ({@code GALE_HOME} defaults to {@code ~/.gale}) when it exists.
   */
  public static GaleClient fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  static GaleClient fromEnvironment(Map<String, String> env) {
    Builder b = builder();
    String url = env.get("GALE_URL");
    if (url != null && !url.isBlank()) {
      b.url(URI.create(url.trim()));
    }
    String token = env.get("GALE_TOKEN");
    if (token == null || token.isBlank()) {
      token = readTokenFile(galeHome(env).resolve("token"));
    }
    return b.token(token).build();
  }

  /** {@code $GALE_HOME}, or {@code ~/.gale}. */
  public static Path galeHome(Map<String, String> env) {
    String home = env.get("GALE_HOME");
    return home != null && !home.isBlank()
        ? Path.of(home)
        : Path.of(System.getProperty("user.home"), ".gale");
  }

  /** The trimmed content of a token file, or null when it does not exist. */
  public static String readTokenFile(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.readString(file).trim() : null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read token file " + file, e);
    }
  }

  /** The service address. */
  public URI url() {
    return http.base;
  }

  // ---- functions ----

  /** Registers a function; returns it with its new id. */
  public FunctionDefinition registerFunction(FunctionRequest request) {
    return registerFunction(request.toJson());
  }

  /** Registers a function from a raw body ({@code {name, kind, spec, ...}}). */
  public FunctionDefinition registerFunction(JsonNode body) {
    return convert(http.call("POST", "/v1/functions", body, 0), FunctionDefinition.class);
  }

  /** The caller's own and public functions. */
  public List<FunctionDefinition> listFunctions() {
    return convertList(
        items(http.call("GET", "/v1/functions", null, 0), "functions"), FunctionDefinition.class);
  }

  /** One function. */
  public FunctionDefinition getFunction(String id) {
    return convert(http.call("GET", "/v1/functions/" + enc(id), null, 0), FunctionDefinition.class);
  }

  /** Deletes one of the caller's functions. */
  public void deleteFunction(String id) {
    http.call("DELETE", "/v1/functions/" + enc(id), null, 0);
  }

  // ---- artifacts ----

  /** Uploads a JAR file. */
  public ArtifactInfo uploadArtifact(Path jar) {
    try {
      return uploadArtifact(Files.readAllBytes(jar));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jar, e);
    }
  }

  /** Uploads JAR bytes; returns their digest for a {@code java} function's spec. */
  public ArtifactInfo uploadArtifact(byte[] jar) {
    return convert(http.callBytes("/v1/artifacts", jar), ArtifactInfo.class);
  }

  // ---- tasks ----

  /**
   * Invokes a function once.
   *
   * @param args the arguments (a JSON object); null means {@code {}}
   * @param waitSeconds how long the service may wait for the task to end before answering (0
   *     answers at once)
   * @return the task: finished if it ended within the wait, else as it is now
   */
  public Task invoke(String functionId, JsonNode args, int waitSeconds) {
    return invoke(functionId, args, waitSeconds, null, null);
  }

  /**
   * Invokes a function once in a given pool and priority.
   *
   * @param pool the pool instead of the function's, or null
   * @param priority higher runs first, or null for the default
   */
  public Task invoke(
      String functionId, JsonNode args, int waitSeconds, String pool, Integer priority) {
    ObjectNode body = Json.object();
    body.set("args", args == null ? Json.object() : args);
    if (waitSeconds > 0) {
      body.put("wait", waitSeconds);
    }
    if (pool != null) {
      body.put("pool", pool);
    }
    if (priority != null) {
      body.put("priority", priority);
    }
    return convert(
        http.call("POST", "/v1/functions/" + enc(functionId) + "/invoke", body, waitSeconds),
        Task.class);
  }

  /** Submits a batch of tasks at once; all or none are accepted. Returns them in order. */
  public List<Task> submit(List<TaskRequest> tasks) {
    ObjectNode body = Json.object();
    body.set("tasks", Json.mapper().valueToTree(tasks));
    return convertList(items(http.call("POST", "/v1/tasks", body, 0), "tasks"), Task.class);
  }

  /**
   * Reads a task.
   *
   * @param waitSeconds long-poll up to this long for a terminal state (0 answers at once)
   */
  public Task getTask(String id, int waitSeconds) {
    String q = waitSeconds > 0 ? "?wait=" + waitSeconds : "";
    return convert(http.call("GET", "/v1/tasks/" + enc(id) + q, null, waitSeconds), Task.class);
  }

  /**
   * Waits until all tasks are terminal or the wait ends.
   *
   * @return the tasks in the order of {@code ids}
   */
  public List<Task> waitTasks(Collection<String> ids, int waitSeconds) {
    ObjectNode body = Json.object();
    ArrayNode arr = body.putArray("ids");
    ids.forEach(arr::add);
    body.put("wait", waitSeconds);
    return convertList(
        items(http.call("POST", "/v1/tasks/wait", body, waitSeconds), "tasks"), Task.class);
  }

  /** Cancels a task that has not finished; returns it after the change. */
  public Task cancel(String id) {
    return convert(
        http.call("POST", "/v1/tasks/" + enc(id) + "/cancel", Json.object(), 0), Task.class);
  }

  /**
   * A page of the caller's tasks, newest first.
   *
   * @param state only tasks in this state, or null
   * @param function only tasks of this function id, or null
   * @param limit page size, or 0 for the service default
   * @param cursor the previous page's {@code nextCursor}, or null
   */
  public TaskList listTasks(TaskState state, String function, int limit, String cursor) {
    StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
    if (state != null) {
      q.add("state=" + state.wireName());
    }
    if (function != null) {
      q.add("function=" + enc(function));
    }
    if (limit > 0) {
      q.add("limit=" + limit);
    }
    if (cursor != null) {
      q.add("cursor=" + enc(cursor));
    }
    JsonNode page = http.call("GET", "/v1/tasks" + q, null, 0);
    List<Task> tasks = convertList(items(page, "tasks"), Task.class);
    JsonNode next = page.path("nextCursor");
    return new TaskList(tasks, next.isTextual() ? next.asText() : null);
  }

  // ---- tokens, pools, workers ----

  /** Mints a token (admin only). */
  public CreatedToken createToken(String tenant, Role role) {
    return createToken(tenant, role, null);
  }

  /**
   * Mints a token (admin only).
   *
   * @param pool for a worker token, the only pool it may serve; null for any
   */
  public CreatedToken createToken(String tenant, Role role, String pool) {
    ObjectNode body = Json.object();
    body.put("tenant", tenant);
    body.put("role", role.wireName());
    if (pool != null) {
      body.put("pool", pool);
    }
    return convert(http.call("POST", "/v1/tokens", body, 0), CreatedToken.class);
  }

  /** All pools with their settings, workers and queue depth. */
  public List<PoolInfo> pools() {
    return convertList(items(http.call("GET", "/v1/pools", null, 0), "pools"), PoolInfo.class);
  }

  /** One pool. */
  public PoolInfo pool(String name) {
    return convert(http.call("GET", "/v1/pools/" + enc(name), null, 0), PoolInfo.class);
  }

  /** Creates or replaces a pool's settings (admin only). */
  public PoolInfo putPool(String name, JsonNode settings) {
    return convert(http.call("PUT", "/v1/pools/" + enc(name), settings, 0), PoolInfo.class);
  }

  /** Connected workers. */
  public List<WorkerInfo> workers() {
    return convertList(
        items(http.call("GET", "/v1/workers", null, 0), "workers"), WorkerInfo.class);
  }

  /** True when {@code GET /readyz} answers 200. Never throws for a down service. */
  public boolean isReady() {
    return http.probe("/readyz");
  }

  /**
   * A request to any path of the API, for endpoints without a typed method. The body, when not
   * null, is sent as JSON; the answer is the parsed JSON body (an empty object for an empty body).
   * Retries and errors as for the typed methods.
   */
  public JsonNode request(String method, String path, JsonNode body) {
    return http.call(method, path, body, 0);
  }

  /** Releases the HTTP client's resources. */
  @Override
  public void close() {
    http.close();
  }

  // ---- helpers ----

  private static String enc(String s) {
    return URLEncoder.encode(Objects.requireNonNull(s, "id"), StandardCharsets.UTF_8)
        .replace("+", "%20");
  }

  /** The list in an answer: the answer itself when it is an array, else its {@code field}. */
  static JsonNode items(JsonNode body, String field) {
    if (body.isArray()) {
      return body;
    }
    JsonNode list = body.path(field);
    if (list.isArray()) {
      return list;
    }
    throw new GaleClientException(
        200, "unexpected_response", "expected an array or a '" + field + "' array", body);
  }

  private static <T> T convert(JsonNode node, Class<T> type) {
    try {
      return Json.mapper().treeToValue(node, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new GaleClientException(
          200,
          "unexpected_response",
          "cannot read " + type.getSimpleName() + " from the answer: " + e.getMessage(),
          null,
          e);
    }
  }

  private static <T> List<T> convertList(JsonNode array, Class<T> type) {
    List<T> out = new ArrayList<>(array.size());
    array.forEach(n -> out.add(convert(n, type)));
    return List.copyOf(out);
  }

  /** Builder for {@link GaleClient}. */
  public static final class Builder {
    private URI url = DEFAULT_URL;
    private String token;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private HttpCaller.Sleeper sleeper = HttpCaller.Sleeper.REAL;

    private Builder() {}

    /** The service address, e.g. {@code http://127.0.0.1:8080}; default that. */
    public Builder url(URI url) {
      this.url = Objects.requireNonNull(url, "url");
      return this;
    }

    /** The bearer token; default none (only {@code /healthz} and {@code /readyz} work). */
    public Builder token(String token) {
      this.token = token == null || token.isBlank() ? null : token.trim();
      return this;
    }

    /** How long to wait for a connection; default 10 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Objects.requireNonNull(connectTimeout);
      return this;
    }

    /**
     * How long to wait for an answer, on top of any long-poll wait the request asks for; default 60
     * s.
     */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = Objects.requireNonNull(requestTimeout);
      return this;
    }

    /** Retries of 429 and 503; default {@link RetryPolicy#defaults()}. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy);
      return this;
    }

    Builder sleeper(HttpCaller.Sleeper sleeper) {
      this.sleeper = sleeper;
      return this;
    }

    public GaleClient build() {
      String s = url.toString();
      URI base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
      HttpClient client =
          HttpClient.newBuilder()
              .connectTimeout(connectTimeout)
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
      return new GaleClient(
          new HttpCaller(client, base, token, requestTimeout, retryPolicy, sleeper));
    }
  }
}
