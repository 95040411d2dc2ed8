package dev.gale.transfer.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import okio.ByteString;

/**
 * A small HTTP file store on OkHttp's MockWebServer, on 127.0.0.1 with a free port: PUT stores a
 * body under its path, GET serves it (with {@code Range: bytes=N-}, an ETag and a 206 unless {@link
 * #ignoreRanges}), and scripted faults change the next answers: a cut connection, a stall, an error
 * status, an extra header.
 */
public final class FileServer implements AutoCloseable {
  /** Changes the answer the store would give; applied to the next request that arrives. */
  public interface Fault {
    MockResponse apply(RecordedRequest request, MockResponse normal);
  }

  public final Map<String, byte[]> files = new ConcurrentHashMap<>();
  public final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
  private final MockWebServer server = new MockWebServer();
  public volatile boolean ignoreRanges;

  public FileServer() throws IOException {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            requests.add(request);
            MockResponse normal = answer(request);
            Fault fault = faults.poll();
            return fault == null ? normal : fault.apply(request, normal);
          }
        });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  /** The URL of a path on this server. */
  public URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getPort() + path);
  }

  /** Applies {@code fault} to the next request, after those already scripted. */
  public FileServer then(Fault fault) {
    faults.add(fault);
    return this;
  }

  /** The connection is closed halfway through the body. */
  public static Fault cutMidBody() {
    return (request, normal) ->
        normal
            .newBuilder()
            .onResponseBody(new SocketEffect.CloseSocket(true, false, false))
            .build();
  }

  /** The server stops sending halfway through the body and never closes. */
  public static Fault stallMidBody() {
    return (request, normal) ->
        normal.newBuilder().onResponseBody(SocketEffect.Stall.INSTANCE).build();
  }

  /** An error answer instead of the normal one, with optional header name/value pairs. */
  public static Fault status(int code, String... headers) {
    return (request, normal) -> {
      MockResponse.Builder b = new MockResponse.Builder().code(code).body("try later");
      for (int i = 0; i + 1 < headers.length; i += 2) {
        b.setHeader(headers[i], headers[i + 1]);
      }
      return b.build();
    };
  }

  /** The normal answer with one header changed. */
  public static Fault header(String name, String value) {
    return modify(b -> b.setHeader(name, value));
  }

  public static Fault modify(UnaryOperator<MockResponse.Builder> change) {
    return (request, normal) -> change.apply(normal.newBuilder()).build();
  }

  public List<RecordedRequest> requests(String method) {
    return requests.stream().filter(r -> r.getMethod().equals(method)).toList();
  }

  private MockResponse answer(RecordedRequest request) {
    String path = request.getUrl().encodedPath();
    switch (request.getMethod()) {
      case "PUT" -> {
        ByteString body = request.getBody();
        files.put(path, body == null ? new byte[0] : body.toByteArray());
        return new MockResponse.Builder().code(201).build();
      }
      case "HEAD" -> {
        byte[] data = files.get(path);
        if (data == null) {
          return new MockResponse.Builder().code(404).build();
        }
        return new MockResponse.Builder()
            .code(200)
            .setHeader("ETag", "\"" + sha256Hex(data) + "\"")
            .setHeader("Content-Length", Long.toString(data.length))
            .build();
      }
      case "GET" -> {
        byte[] data = files.get(path);
        if (data == null) {
          return new MockResponse.Builder().code(404).body("no such file").build();
        }
        MockResponse.Builder b =
            new MockResponse.Builder()
                .setHeader("ETag", "\"" + sha256Hex(data) + "\"")
                .setHeader("Accept-Ranges", "bytes");
        String range = request.getHeaders().get("Range");
        if (range == null || ignoreRanges) {
          return b.code(200).body(new Buffer().write(data)).build();
        }
        long start = Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
        if (start >= data.length) {
          return b.code(416).setHeader("Content-Range", "bytes */" + data.length).build();
        }
        return b.code(206)
            .setHeader(
                "Content-Range", "bytes " + start + "-" + (data.length - 1) + "/" + data.length)
            .body(new Buffer().write(data, (int) start, data.length - (int) start))
            .build();
      }
      default -> {
        return new MockResponse.Builder().code(405).build();
      }
    }
  }

  public static String sha256Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
