package dev.gale.cli.commands.bench;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one HTTP/1.x response to a POST (RFC 9112): the status line, the header fields (names
 * case-insensitive, repeated fields joined with commas, obsolete line folding unfolded), and the
 * body framed by {@code Transfer-Encoding: chunked} (extensions and trailers skipped), else by
 * {@code Content-Length}, else by the end of the connection. Interim 1xx answers are skipped.
 * Lines, field counts and bodies are bounded so that a broken peer ends in an {@link IOException}
 * saying which bound it crossed instead of in an {@link OutOfMemoryError}.
 */
final class ResponseReader {
  /** Longest status line, header field line, chunk size line or trailer line, CRLF included. */
  static final int MAX_LINE_BYTES = 8192;

  /** Most header fields (or trailer fields) of one response. */
  static final int MAX_FIELDS = 100;

  /** Largest body. */
  static final int MAX_BODY_BYTES = 64 << 20;

  /**
   * A response and whether its connection can carry the next request.
   *
   * @param response status and body
   * @param reusable false when the server asked to close, framed the body by closing, or the
   *     framing was ambiguous
   */
  record Result(LeanHttp.Response response, boolean reusable) {}

  private ResponseReader() {}

  /** Reads the final response from {@code in}, skipping interim ones. */
  static Result read(HttpInput in) throws IOException {
    while (true) {
      String statusLine = in.readLine(MAX_LINE_BYTES, "status line");
      int status = status(statusLine);
      boolean http10 = statusLine.charAt(7) == '0';
      Map<String, String> fields = fields(in, "header");
      if (status == 101) {
        throw new IOException("unexpected 101 Switching Protocols");
      }
      if (status < 200) {
        continue;
      }
      boolean reusable = keepAlive(fields.get("connection"), http10);
      String transferEncoding = fields.get("transfer-encoding");
      String contentLength = fields.get("content-length");
      byte[] body;
      if (status == 204 || status == 304) {
        body = new byte[0];
      } else if (transferEncoding != null) {
        if (!transferEncoding.trim().equalsIgnoreCase("chunked")) {
          throw new IOException("unsupported Transfer-Encoding: " + transferEncoding);
        }
        body = chunked(in);
        // RFC 9112 6.3: both framings in one message are a smuggling sign; do not reuse
        reusable &= contentLength == null;
      } else if (contentLength != null) {
        body = new byte[contentLength(contentLength)];
        in.readFully(body, 0, body.length, "body");
      } else {
        body = in.readToEnd(MAX_BODY_BYTES, "body");
        reusable = false;
      }
      return new Result(new LeanHttp.Response(status, body), reusable);
    }
  }

  /** The status code of {@code HTTP/1.x NNN[ reason]}. */
  private static int status(String line) throws IOException {
    boolean ok =
        line.length() >= 12
            && line.startsWith("HTTP/1.")
            && isDigit(line.charAt(7))
            && line.charAt(8) == ' '
            && isDigit(line.charAt(9))
            && isDigit(line.charAt(10))
            && isDigit(line.charAt(11))
            && (line.length() == 12 || line.charAt(12) == ' ');
    if (!ok) {
      throw new IOException("not an HTTP/1.x status line: " + abbreviate(line));
    }
    return Integer.parseInt(line.substring(9, 12));
  }

  /**
   * Field lines up to the empty line ending them, by lower-case name.
   *
   * @param what "header" or "trailer", for the error messages
   */
  private static Map<String, String> fields(HttpInput in, String what) throws IOException {
    Map<String, String> fields = new HashMap<>();
    String last = null;
    int count = 0;
    for (String line; !(line = in.readLine(MAX_LINE_BYTES, what + " line")).isEmpty(); ) {
      char first = line.charAt(0);
      if (first == ' ' || first == '\t') {
        if (last == null) {
          throw new IOException(what + " starts with a continuation line");
        }
        fields.merge(last, line.trim(), (a, b) -> a + " " + b);
        continue;
      }
      if (++count > MAX_FIELDS) {
        throw new IOException("more than " + MAX_FIELDS + " " + what + " fields");
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || line.substring(0, colon).chars().anyMatch(c -> c == ' ' || c == '\t')) {
        throw new IOException("malformed " + what + " line: " + abbreviate(line));
      }
      last = line.substring(0, colon).toLowerCase(Locale.ROOT);
      fields.merge(last, line.substring(colon + 1).trim(), (a, b) -> a + ", " + b);
    }
    return fields;
  }

  /** Whether the {@code Connection} field (null when absent) lets the connection stay open. */
  private static boolean keepAlive(String connection, boolean http10) {
    boolean close = false;
    boolean keepAlive = false;
    if (connection != null) {
      for (String option : connection.split(",")) {
        close |= option.trim().equalsIgnoreCase("close");
        keepAlive |= option.trim().equalsIgnoreCase("keep-alive");
      }
    }
    return !close && (keepAlive || !http10);
  }

  /**
   * A {@code Content-Length} value; repeated fields must agree (RFC 9110 8.6 allows {@code 5, 5}).
   */
  private static int contentLength(String value) throws IOException {
    long length = -1;
    for (String part : value.split(",", -1)) {
      long n = number(part.trim(), 10, "Content-Length");
      if (length >= 0 && n != length) {
        throw new IOException("conflicting Content-Length: " + abbreviate(value));
      }
      length = n;
    }
    return (int) length;
  }

  /** A chunked body's data, its chunk extensions and trailer fields skipped. */
  private static byte[] chunked(HttpInput in) throws IOException {
    byte[] body = new byte[0];
    int size = 0;
    while (true) {
      String line = in.readLine(MAX_LINE_BYTES, "chunk size line");
      int semicolon = line.indexOf(';');
      String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
      int n = (int) number(hex, 16, "chunk size");
      if (n == 0) {
        fields(in, "trailer");
        return size == body.length ? body : Arrays.copyOf(body, size);
      }
      if (n > MAX_BODY_BYTES - size) {
        throw new IOException("body larger than " + MAX_BODY_BYTES + " bytes");
      }
      if (size + n > body.length) {
        body = Arrays.copyOf(body, Math.max(size + n, Math.min(2 * body.length, MAX_BODY_BYTES)));
      }
      in.readFully(body, size, n, "chunk");
      size += n;
      if (!in.readLine(MAX_LINE_BYTES, "chunk end").isEmpty()) {
        throw new IOException("chunk data longer than its size " + hex);
      }
    }
  }

  /**
   * A non-negative ASCII number of at most {@link #MAX_BODY_BYTES} (signs, spaces and non-ASCII
   * digits, which {@link Long#parseLong} would take, are refused).
   */
  private static long number(String s, int radix, String what) throws IOException {
    if (s.isEmpty()) {
      throw new IOException("empty " + what);
    }
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int digit = c < 128 ? Character.digit(c, radix) : -1;
      if (digit < 0) {
        throw new IOException("malformed " + what + ": " + abbreviate(s));
      }
      n = n * radix + digit;
      if (n > MAX_BODY_BYTES) {
        throw new IOException(what + " " + abbreviate(s) + " above " + MAX_BODY_BYTES + " bytes");
      }
    }
    return n;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** A peer's text in an error message, cut short. */
  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
