package dev.gale.cli.commands.bench;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A blocking HTTP/1.1 client over one persistent socket, for timing requests one after another
 * ({@code gale bench latency}). The JDK's {@link java.net.http.HttpClient} hands every exchange
 * from the caller to its selector thread and back through executors; on a small VM those hand-offs
 * cost as much as the service's own work and the load generator ends up measuring itself. Here the
 * calling thread writes the request and reads the answer on the socket itself, with {@code
 * TCP_NODELAY} so that the request leaves at once.
 *
 * <p>Plain {@code http://host[:port]} only ({@link #supports}); callers fall back to {@link
 * BenchHttp} for anything else. The connection is opened on first use and kept alive; when the
 * server ends it ({@code Connection: close}, a body read to the end of the connection) the next
 * request opens a new one, and a request on a kept-alive connection that the server closed while it
 * was idle is sent once more on a new connection. Responses are read by {@link ResponseReader}.
 *
 * <p>Not thread-safe: one caller at a time.
 */
public final class LeanHttp implements Closeable {
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
  private static final int READ_TIMEOUT_MILLIS = 120_000;

  private final String host;
  private final int port;
  private final String fixedHeaders;
  private Socket socket;
  private HttpInput in;
  private OutputStream out;

  /**
   * A status and body.
   *
   * @param status the status code
   * @param body the body as received (no content coding is asked for)
   */
  public record Response(int status, byte[] body) {
    /** The body as UTF-8. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /**
   * A client of the service at {@code base}; connects on the first request.
   *
   * @throws IllegalArgumentException when {@code base} is not {@linkplain #supports supported} or
   *     the token cannot be a header value
   */
  public LeanHttp(URI base, String token) {
    if (!supports(base)) {
      throw new IllegalArgumentException("not a plain http://host[:port] URI: " + base);
    }
    this.host = base.getHost();
    this.port = base.getPort() == -1 ? 80 : base.getPort();
    this.fixedHeaders =
        "Host: "
            + host
            + (base.getPort() == -1 ? "" : ":" + port)
            + "\r\nAuthorization: Bearer "
            + headerValue(token)
            + "\r\n";
  }

  /** Whether {@code base} is an {@code http} URI with a host, which this client can talk to. */
  public static boolean supports(URI base) {
    return "http".equalsIgnoreCase(base.getScheme())
        && base.getHost() != null
        && base.getRawUserInfo() == null;
  }

  /**
   * POSTs {@code body} to {@code path} (which replaces the base URI's path, as {@link URI#resolve}
   * does with an absolute path) and reads the whole answer, whatever its status.
   *
   * @throws IOException when the exchange fails or the answer is not valid HTTP/1.x within the
   *     {@link ResponseReader} limits; the connection is closed then
   */
  public Response post(String path, String contentType, byte[] body) throws IOException {
    if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
      throw new IllegalArgumentException("not an absolute path: " + path);
    }
    byte[] head =
        ("POST "
                + path
                + " HTTP/1.1\r\n"
                + fixedHeaders
                + "Content-Type: "
                + headerValue(contentType)
                + "\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    boolean reused = socket != null;
    if (!reused) {
      connect();
    }
    try {
      send(head, body);
    } catch (IOException e) {
      close();
      if (!reused || e instanceof InterruptedIOException) {
        throw e;
      }
      // the server closed the kept-alive connection while it was idle: once more on a new one
      connect();
      try {
        send(head, body);
      } catch (IOException again) {
        close();
        throw again;
      }
    }
    try {
      ResponseReader.Result r = ResponseReader.read(in);
      // bytes beyond the answer mean the framing is off: the next answer cannot be told apart
      if (!r.reusable() || in.hasBuffered()) {
        close();
      }
      return r.response();
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Writes the request and waits for the first byte of the answer, so that a connection the server
   * had closed shows (as an end of stream, a reset or a broken pipe) before any of the answer is
   * consumed, when the request can still be sent again.
   */
  private void send(byte[] head, byte[] body) throws IOException {
    out.write(head);
    out.write(body);
    out.flush();
    if (!in.awaitData()) {
      throw new EOFException("connection closed by the server before it answered");
    }
  }

  private void connect() throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.setSoTimeout(READ_TIMEOUT_MILLIS);
      s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
      in = new HttpInput(s.getInputStream());
      out = new BufferedOutputStream(s.getOutputStream(), 8192);
    } catch (IOException e) {
      s.close();
      throw e;
    }
    socket = s;
  }

  /**
   * Closes the connection, if open; the next request opens a new one. Quietly: it also runs on the
   * way out of a failed exchange, whose exception matters more than that of closing the socket.
   */
  @Override
  public void close() {
    Socket s = socket;
    socket = null;
    in = null;
    out = null;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // the connection is given up either way; there is nothing left to flush or tell
      }
    }
  }

  private static String headerValue(String value) {
    if (value.chars().anyMatch(c -> c == '\r' || c == '\n')) {
      throw new IllegalArgumentException("line break in a header value");
    }
    return value;
  }
}
