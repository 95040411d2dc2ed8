package dev.gale.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny blocking HTTP client for tests, on java.net.http. */
public final class Http {
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  /** An answer: status, headers and body. */
  public record Reply(int status, java.net.http.HttpHeaders headers, String body) {
    public JsonNode json() {
      return Json.readTree(body);
    }

    /** The {@code error.code} of an error body. */
    public String errorCode() {
      return json().path("error").path("code").asText();
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public Http(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public Reply get(String path, String token) {
    return send("GET", path, token, null, null);
  }

  public Reply delete(String path, String token) {
    return send("DELETE", path, token, null, null);
  }

  public Reply post(String path, String token, Object body) {
    return send("POST", path, token, body == null ? null : bytes(body), "application/json");
  }

  public Reply put(String path, String token, Object body) {
    return send("PUT", path, token, bytes(body), "application/json");
  }

  public Reply postBytes(String path, String token, byte[] body, String contentType) {
    return send("POST", path, token, body, contentType);
  }

  private static byte[] bytes(Object body) {
    if (body instanceof String s) {
      return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    if (body instanceof byte[] b) {
      return b;
    }
    return Json.writeBytes(body);
  }

  public Reply send(String method, String path, String token, byte[] body, String contentType) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(90));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
