package dev.gale.client;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/** A loopback HTTP server that answers with canned responses in order and records requests. */
final class CannedServer implements AutoCloseable {
  record Answer(int status, String body, Map<String, String> headers) {}

  record Seen(String method, String uri, String authorization, String contentType, String body) {}

  private final HttpServer server;
  private final Deque<Answer> answers = new ArrayDeque<>();
  final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
  final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());

  CannedServer() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        ex -> {
          byte[] in = ex.getRequestBody().readAllBytes();
          seen.add(
              new Seen(
                  ex.getRequestMethod(),
                  ex.getRequestURI().toString(),
                  ex.getRequestHeaders().getFirst("Authorization"),
                  ex.getRequestHeaders().getFirst("Content-Type"),
                  new String(in, StandardCharsets.UTF_8)));
          Answer a;
          synchronized (answers) {
            a = answers.isEmpty() ? new Answer(500, "no canned answer", Map.of()) : answers.poll();
          }
          a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
          byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
          if (out.length > 0) {
            ex.getResponseBody().write(out);
          }
          ex.close();
        });
    server.start();
  }

  CannedServer answer(int status, String body) {
    return answer(status, body, Map.of());
  }

  CannedServer answer(int status, String body, Map<String, String> headers) {
    synchronized (answers) {
      answers.add(new Answer(status, body, headers));
    }
    return this;
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** A client for this server whose retry waits are recorded instead of slept. */
  GaleClient client(RetryPolicy policy) {
    return GaleClient.builder()
        .url(url())
        .token("s3cret")
        .retryPolicy(policy)
        .sleeper(sleeps::add)
        .build();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
