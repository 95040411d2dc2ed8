package dev.gale.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;

/** Sends requests, retries 429/503 under a {@link RetryPolicy}, and decodes answers and errors. */
final class HttpCaller {
  /** Waits between retries; replaced in tests. */
  interface Sleeper {
    Sleeper REAL = d -> Thread.sleep(d.toMillis());

    void sleep(Duration d) throws InterruptedException;
  }

  private static final String USER_AGENT = "gale-java-client/0.1";

  final URI base;
  private final HttpClient client;
  private final String token;
  private final Duration requestTimeout;
  private final RetryPolicy retry;
  private final Sleeper sleeper;

  HttpCaller(
      HttpClient client,
      URI base,
      String token,
      Duration requestTimeout,
      RetryPolicy retry,
      Sleeper sleeper) {
    this.client = client;
    this.base = base;
    this.token = token;
    this.requestTimeout = requestTimeout;
    this.retry = retry;
    this.sleeper = sleeper;
  }

  /** A JSON request; {@code waitSeconds} extends the timeout for long-polls. */
  JsonNode call(String method, String path, JsonNode body, int waitSeconds) {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(body));
    HttpRequest.Builder req = request(path, waitSeconds).method(method, publisher);
    if (body != null) {
      req.header("Content-Type", "application/json");
    }
    return send(req.build());
  }

  /** An upload of raw bytes. */
  JsonNode callBytes(String path, byte[] bytes) {
    HttpRequest req =
        request(path, 0)
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build();
    return send(req);
  }

  /** True when GET {@code path} answers 200; false for any error, without retrying. */
  boolean probe(String path) {
    try {
      return client
              .send(request(path, 0).GET().build(), HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  void close() {
    // java.net.http.HttpClient has no close() before Java 21; its threads end when unreferenced.
  }

  private HttpRequest.Builder request(String path, int waitSeconds) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(requestTimeout.plusSeconds(Math.max(0, waitSeconds)))
            .header("Accept", "application/json")
            .header("User-Agent", USER_AGENT);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private JsonNode send(HttpRequest req) {
    for (int attempt = 1; ; attempt++) {
      HttpResponse<byte[]> resp;
      try {
        resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
      } catch (HttpTimeoutException e) {
        throw new GaleClientException(
            0, "timeout", "no answer from " + base + " within the request timeout", null, e);
      } catch (ConnectException e) {
        throw new GaleClientException(
            0, "connection_failed", "cannot connect to " + base + " (is Gale running?)", null, e);
      } catch (IOException e) {
        throw new GaleClientException(
            0, "connection_failed", "request to " + base + " failed: " + e, null, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GaleClientException(0, "interrupted", "interrupted while waiting", null, e);
      }
      int status = resp.statusCode();
      if (status >= 200 && status < 300) {
        byte[] b = resp.body();
        return b == null || b.length == 0 ? Json.object() : parseOk(b, status);
      }
      GaleClientException error = decodeError(status, resp.body());
      if ((status == 429 || status == 503) && attempt < retry.maxAttempts()) {
        Duration retryAfter =
            parseRetryAfter(resp.headers().firstValue("Retry-After").orElse(null));
        Duration delay = retry.delay(attempt, retryAfter, ThreadLocalRandom.current().nextDouble());
        try {
          sleeper.sleep(delay);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw error;
        }
        continue;
      }
      throw error;
    }
  }

  private static JsonNode parseOk(byte[] body, int status) {
    try {
      return Json.mapper().readTree(body);
    } catch (IOException e) {
      throw new GaleClientException(
          status, "unexpected_response", "the answer is not JSON: " + snippet(body), null, e);
    }
  }

  /** Turns an error answer into an exception, whether or not the body is a Gale error. */
  static GaleClientException decodeError(int status, byte[] body) {
    JsonNode err = null;
    try {
      if (body != null && body.length > 0) {
        err = Json.mapper().readTree(body).get("error");
      }
    } catch (IOException e) {
      // not JSON: fall through to the generic form
    }
    if (err != null && err.isObject() && err.path("code").isTextual()) {
      JsonNode details = err.get("details");
      return new GaleClientException(
          status,
          err.get("code").asText(),
          err.path("message").asText(""),
          details == null || details.isNull() ? null : details);
    }
    String text = body == null || body.length == 0 ? "" : ": " + snippet(body);
    return new GaleClientException(status, "http_" + status, "HTTP " + status + text, null);
  }

  /** {@code Retry-After} as delta-seconds or an HTTP date; null when absent or unreadable. */
  static Duration parseRetryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  private static String snippet(byte[] body) {
    String s = new String(body, java.nio.charset.StandardCharsets.UTF_8).strip();
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }
}
