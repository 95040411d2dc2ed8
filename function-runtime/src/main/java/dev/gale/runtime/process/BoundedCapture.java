package dev.gale.runtime.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a stream to its end, keeping at most {@code limit} bytes and discarding the rest, so that
 * the writing process never blocks on a full pipe. One thread pumps; others may read {@link
 * #text()} and {@link #truncated()} at any time (they see what has arrived so far).
 */
public final class BoundedCapture {
  private final int limit;
  private byte[] buffer;
  private int size;
  private boolean truncated;
  private volatile boolean done;

  public BoundedCapture(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0");
    }
    this.limit = limit;
    this.buffer = new byte[Math.min(limit, 8192)];
  }

  /** Reads {@code in} until end of stream or an I/O error (a killed process), then closes it. */
  public void pump(InputStream in) {
    byte[] chunk = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(chunk)) >= 0) {
        append(chunk, n);
      }
    } catch (IOException e) {
      // the pipe was closed under us (process killed, stream closed): keep what we have
    } finally {
      done = true;
    }
  }

  private synchronized void append(byte[] chunk, int n) {
    int keep = Math.min(n, limit - size);
    if (keep > 0) {
      if (size + keep > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.min(limit, Math.max(buffer.length * 2, size + keep)));
      }
      System.arraycopy(chunk, 0, buffer, size, keep);
      size += keep;
    }
    if (keep < n) {
      truncated = true;
    }
  }

  /** The kept bytes decoded as UTF-8 (malformed sequences replaced). */
  public synchronized String text() {
    return new String(buffer, 0, size, StandardCharsets.UTF_8);
  }

  /** True when bytes beyond the limit were discarded. */
  public synchronized boolean truncated() {
    return truncated;
  }

  /** True once the stream ended. */
  public boolean done() {
    return done;
  }
}
