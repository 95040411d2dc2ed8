package dev.gale.cli.commands.bench;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The receiving side of one {@link LeanHttp} connection: a read buffer with the few operations an
 * HTTP/1.1 response needs. Its own buffer instead of a {@link java.io.BufferedInputStream} so that
 * lines are scanned in the array (no lock per byte) and the client can tell whether the server has
 * sent anything yet ({@link #awaitData()}) without consuming it.
 */
final class HttpInput {
  private final InputStream in;
  private final byte[] buf = new byte[8192];
  private int pos;
  private int limit;

  HttpInput(InputStream in) {
    this.in = in;
  }

  /**
   * Blocks until at least one byte is buffered.
   *
   * @return false when the stream ended first
   */
  boolean awaitData() throws IOException {
    return pos < limit || fill();
  }

  /** True when bytes that nobody has read yet are in the buffer. */
  boolean hasBuffered() {
    return pos < limit;
  }

  /**
   * One line without its line end (CRLF, or a bare LF as RFC 9112 allows), as ISO-8859-1.
   *
   * @param maxBytes longest line accepted, line end included
   * @param what what the line is, for the error messages
   * @throws IOException when the line is longer or the stream ends inside it
   */
  String readLine(int maxBytes, String what) throws IOException {
    StringBuilder line = null;
    int length = 0;
    while (true) {
      if (pos == limit && !fill()) {
        throw new EOFException("connection closed inside the " + what);
      }
      int start = pos;
      int end = start;
      while (end < limit && buf[end] != '\n') {
        end++;
      }
      length += end - start + (end < limit ? 1 : 0);
      if (length > maxBytes) {
        throw new IOException(what + " longer than " + maxBytes + " bytes");
      }
      String part = new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
      if (end < limit) {
        pos = end + 1;
        String all = line == null ? part : line.append(part).toString();
        return all.endsWith("\r") ? all.substring(0, all.length() - 1) : all;
      }
      pos = limit;
      line = line == null ? new StringBuilder(part) : line.append(part);
    }
  }

  /** Reads exactly {@code length} bytes into {@code dst} from {@code offset}. */
  void readFully(byte[] dst, int offset, int length, String what) throws IOException {
    while (length > 0) {
      if (pos == limit && !fill()) {
        throw new EOFException("connection closed inside the " + what);
      }
      int n = Math.min(length, limit - pos);
      System.arraycopy(buf, pos, dst, offset, n);
      pos += n;
      offset += n;
      length -= n;
    }
  }

  /**
   * Everything until the server closes the connection.
   *
   * @throws IOException when that is more than {@code maxBytes}
   */
  byte[] readToEnd(int maxBytes, String what) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    while (pos < limit || fill()) {
      if (all.size() + (limit - pos) > maxBytes) {
        throw new IOException(what + " larger than " + maxBytes + " bytes");
      }
      all.write(buf, pos, limit - pos);
      pos = limit;
    }
    return all.toByteArray();
  }

  /** Refills the empty buffer; false at the end of the stream. */
  private boolean fill() throws IOException {
    int n = in.read(buf, 0, buf.length);
    if (n < 0) {
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }
}
