package dev.gale.cli.commands.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import dev.gale.api.UnavailableException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The client that {@code gale bench latency} times: {@link LeanHttp} when the service is plain
 * {@code http}, so that the figures are the service's latency rather than the JDK client's thread
 * hand-offs, else {@link BenchHttp}. {@link #name()} says which, for the report.
 */
public final class LatencyClient implements Closeable {
  private final BenchHttp http;
  private final LeanHttp lean;

  private LatencyClient(BenchHttp http, LeanHttp lean) {
    this.http = http;
    this.lean = lean;
  }

  /** A client of {@code http}'s service, with its token. */
  public static LatencyClient open(BenchHttp http) {
    return new LatencyClient(
        http, LeanHttp.supports(http.base()) ? new LeanHttp(http.base(), http.token()) : null);
  }

  /** {@code lean-http/1.1} or {@code jdk-httpclient}. */
  public String name() {
    return lean != null ? "lean-http/1.1" : "jdk-httpclient";
  }

  /**
   * POSTs a JSON body once.
   *
   * @return the parsed answer
   * @throws UnavailableException {@code bench_failed} with the status and the answer on another
   *     status than 200; a 429 too, since a throttled invocation has no latency to measure
   */
  public JsonNode post(String path, String body) throws IOException, InterruptedException {
    if (lean == null) {
      JsonNode r = http.post(path, body, 200);
      if (r == null) {
        throw new UnavailableException("bench_failed", path + " answered 429", null, null);
      }
      return r;
    }
    LeanHttp.Response r =
        lean.post(path, "application/json", body.getBytes(StandardCharsets.UTF_8));
    if (r.status() != 200) {
      throw new UnavailableException(
          "bench_failed", path + " answered " + r.status() + ": " + r.text(), null, null);
    }
    return Json.readTree(r.body());
  }

  @Override
  public void close() {
    if (lean != null) {
      lean.close();
    }
  }
}
