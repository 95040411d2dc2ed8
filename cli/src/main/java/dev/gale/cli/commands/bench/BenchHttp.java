package dev.gale.cli.commands.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import dev.gale.api.UnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load generator's HTTP: request bodies as ready strings over keep-alive HTTP/1.1 connections,
 * counting 429 answers (back-pressure) instead of hiding them, and failing the run with the
 * service's answer on any other unexpected status.
 *
 * <p>It does not go through {@link dev.gale.client.GaleClient}, which builds and parses JSON trees
 * per call and retries on its own, so that the generator takes as little of the shared cores as
 * possible.
 */
public final class BenchHttp {
  private static final long THROTTLE_PAUSE_MILLIS = 50;

  private final HttpClient http;
  private final URI base;
  private final String token;
  private final String auth;
  private final AtomicLong throttled = new AtomicLong();

  public BenchHttp(URI base, String token) {
    this.base = base;
    this.token = token;
    this.auth = "Bearer " + token;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  /** The service. */
  public URI base() {
    return base;
  }

  /** The bearer token, for another client of the same service ({@link LatencyClient}). */
  String token() {
    return token;
  }

  /** 429 answers so far. */
  public long throttled() {
    return throttled.get();
  }

  /**
   * POSTs a body once.
   *
   * @return the answer, or null on 429 (counted)
   * @throws UnavailableException {@code bench_failed} with the answer on another status than the
   *     expected one (202 also accepts 200)
   */
  public JsonNode post(String path, String body, int expected)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", auth)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 429) {
      throttled.incrementAndGet();
      return null;
    }
    if (r.statusCode() != expected && !(expected == 202 && r.statusCode() == 200)) {
      throw new UnavailableException(
          "bench_failed", path + " answered " + r.statusCode() + ": " + r.body(), null, null);
    }
    return Json.readTree(r.body());
  }

  /** POSTs a body until it is not throttled, pausing briefly after each 429. */
  public JsonNode postUntilAccepted(String path, String body, int expected)
      throws IOException, InterruptedException {
    JsonNode r;
    while ((r = post(path, body, expected)) == null) {
      Thread.sleep(THROTTLE_PAUSE_MILLIS);
    }
    return r;
  }

  /** Submits a batch ({@code POST /v1/tasks}) and returns the new tasks' ids in order. */
  public List<String> submit(ObjectNode batch) throws IOException, InterruptedException {
    JsonNode r = postUntilAccepted("/v1/tasks", batch.toString(), 202);
    List<String> ids = new ArrayList<>(r.get("tasks").size());
    r.get("tasks").forEach(t -> ids.add(t.get("id").asText()));
    return ids;
  }

  /**
   * {@code POST /v1/tasks/wait}: the tasks (in the order of {@code ids}) once all are terminal or
   * the wait ended.
   */
  public List<JsonNode> waitFor(List<String> ids, double waitSeconds)
      throws IOException, InterruptedException {
    ObjectNode req = Json.object();
    ids.forEach(req.putArray("ids")::add);
    req.put("wait", waitSeconds);
    JsonNode r = postUntilAccepted("/v1/tasks/wait", req.toString(), 200);
    List<JsonNode> out = new ArrayList<>(ids.size());
    r.get("tasks").forEach(out::add);
    return out;
  }
}
