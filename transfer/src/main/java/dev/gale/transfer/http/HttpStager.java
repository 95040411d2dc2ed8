package dev.gale.transfer.http;

import dev.gale.transfer.StagingException;
import dev.gale.transfer.StagingException.Reason;
import dev.gale.transfer.spi.ObjectInfo;
import dev.gale.transfer.spi.Stager;
import dev.gale.transfer.spi.StagingFiles;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code http://} and {@code https://} URLs over OkHttp: downloads with GET, uploads with PUT.
 *
 * <p>A download streams into a hidden part file beside the target and is moved over the target only
 * when complete and, where a checksum is known (see {@link ExpectedChecksum}: a {@code
 * #sha256=<hex>} fragment, or an {@code x-checksum-sha256}, {@code Repr-Digest} or {@code Digest}
 * header), verified; a mismatch fails without retry. When the connection drops mid-body the next
 * attempt asks for the rest with {@code Range: bytes=N-} (and {@code If-Range} with the first
 * answer's strong ETag or Last-Modified); it accepts only a 206 whose {@code Content-Range} starts
 * at N, and starts again from zero when the server sends the whole file instead. Failed attempts
 * are retried as {@link HttpStagerOptions} describes.
 *
 * <p>User info in a URL ({@code https://user:pass@host/…}) becomes a Basic {@code Authorization}
 * header and is never sent in the URL nor written to a message or log. Transparent gzip is off
 * ({@code Accept-Encoding: identity}) so that byte ranges and checksums refer to the file itself.
 *
 * <p>Thread-safe; one instance serves many transfers at once. {@link #close()} releases the
 * connection pool and threads.
 */
public final class HttpStager implements Stager, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpStager.class);
  private static final MediaType OCTET_STREAM = MediaType.get("application/octet-stream");
  private static final Set<Integer> RETRYABLE_STATUS = Set.of(408, 429, 500, 502, 503, 504);
  private static final int BUFFER_BYTES = 256 * 1024;

  /** Waits between attempts; replaced in tests so that nothing sleeps for real. */
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final HttpStagerOptions options;
  private final OkHttpClient client;
  private final Sleeper sleeper;

  /** A stager with {@link HttpStagerOptions#defaults()}. */
  public HttpStager() {
    this(HttpStagerOptions.defaults());
  }

  /** A stager with the given options. Does no I/O. */
  public HttpStager(HttpStagerOptions options) {
    this(options, d -> Thread.sleep(d.toMillis()));
  }

  HttpStager(HttpStagerOptions options, Sleeper sleeper) {
    this.options = options;
    this.sleeper = sleeper;
    this.client =
        new OkHttpClient.Builder()
            .connectTimeout(options.connectTimeout())
            .readTimeout(options.readTimeout())
            .writeTimeout(options.writeTimeout())
            .callTimeout(options.callTimeout())
            .build();
  }

  /** The options this stager runs with. */
  public HttpStagerOptions options() {
    return options;
  }

  @Override
  public Set<String> schemes() {
    return Set.of("http", "https");
  }

  @Override
  public long stageIn(URI source, Path target) {
    HttpTarget from = HttpTarget.of(source);
    Path part = null;
    try {
      part = StagingFiles.newPartFile(target);
      long bytes = new Download(from, part).run();
      StagingFiles.commit(part, target);
      part = null;
      return bytes;
    } catch (IOException | UncheckedIOException e) {
      throw new StagingException(
          "cannot write " + target + " while staging in " + from + ": " + e, false, e);
    } finally {
      StagingFiles.discard(part);
    }
  }

  @Override
  public long stageOut(Path source, URI destination) {
    HttpTarget to = HttpTarget.of(destination);
    long size = StagingFiles.sizeOfSource(source, to);
    Attempts attempts = new Attempts("PUT", to);
    while (true) {
      Request request = request(to).put(RequestBody.create(source.toFile(), OCTET_STREAM)).build();
      try (Response response = OkHttpCalls.execute(client.newCall(request))) {
        if (response.isSuccessful()) {
          return size;
        }
        attempts.failedWith(response);
      } catch (IOException e) {
        attempts.failedWith(e);
      }
    }
  }

  /**
   * A HEAD request: size from {@code Content-Length}; version from the URL's {@code #sha256=}
   * fragment, else the ETag, else {@code Last-Modified}. A server that refuses HEAD (405, 501)
   * gives an unknown size and version rather than an error.
   */
  @Override
  public ObjectInfo stat(URI url) {
    HttpTarget target = HttpTarget.of(url);
    Attempts attempts = new Attempts("HEAD", target);
    while (true) {
      Request request = request(target).head().header("Accept-Encoding", "identity").build();
      try (Response response = OkHttpCalls.execute(client.newCall(request))) {
        if (response.isSuccessful()) {
          return new ObjectInfo(contentLength(response), versionOf(target, response));
        }
        if (response.code() == 405 || response.code() == 501) {
          return new ObjectInfo(-1, target.expected() == null ? null : versionOf(target, response));
        }
        attempts.failedWith(response);
      } catch (IOException e) {
        attempts.failedWith(e);
      }
    }
  }

  private static long contentLength(Response response) {
    String value = response.header("Content-Length");
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String versionOf(HttpTarget target, Response response) {
    if (target.expected() != null) {
      return "sha256:" + target.expected().hex();
    }
    String etag = response.header("ETag");
    if (etag != null) {
      return "etag:" + etag;
    }
    String modified = response.header("Last-Modified");
    return modified == null ? null : "modified:" + modified + "/" + contentLength(response);
  }

  /** Releases OkHttp's threads and pooled connections; calls in flight are cancelled. */
  @Override
  public void close() {
    client.dispatcher().cancelAll();
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  private Request.Builder request(HttpTarget target) {
    Request.Builder b =
        new Request.Builder().url(target.url()).header("User-Agent", options.userAgent());
    if (target.authorization() != null) {
      b.header("Authorization", target.authorization());
    }
    return b;
  }

  /** One download: the loop of attempts, resumption and verification. */
  private final class Download {
    private final HttpTarget source;
    private final Path part;
    private final Attempts attempts;
    private final MessageDigest sha256 = newSha256();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private ExpectedChecksum expected;
    // hash while receiving only when a checksum is known from byte 0; one that first shows up on
    // a resumed answer is checked by reading the file once at the end
    private boolean hashing;
    private String validator;
    private long have;

    Download(HttpTarget source, Path part) {
      this.source = source;
      this.part = part;
      this.attempts = new Attempts("GET", source);
      this.expected = source.expected();
    }

    long run() throws IOException {
      try (FileChannel out = FileChannel.open(part, StandardOpenOption.WRITE)) {
        while (!attempt(out)) {
          // attempt() recorded the failure and waited; go again
        }
      }
      verify();
      return have;
    }

    /** One request; true when the file is complete. */
    private boolean attempt(FileChannel out) throws IOException {
      Request.Builder b = request(source).get().header("Accept-Encoding", "identity");
      if (have > 0) {
        b.header("Range", "bytes=" + have + "-");
        if (validator != null) {
          b.header("If-Range", validator);
        }
      }
      try (Response response = OkHttpCalls.execute(client.newCall(b.build()))) {
        int code = response.code();
        long total;
        if (code == 206) {
          ContentRange range = ContentRange.parse(response.header("Content-Range"));
          if (have == 0 || range == null || range.start() != have) {
            log.info("{} sent an unusable partial answer ({}); starting again", source, range);
            restart(out);
            attempts.failedWith("unusable 206 answer", null);
            return false;
          }
          total = range.total() >= 0 ? range.total() : range.end() + 1;
        } else if (code == 200) {
          if (have > 0) {
            log.info("{} ignored the Range request; starting again from byte 0", source);
            restart(out);
          }
          total = response.body().contentLength();
        } else if (code == 416 && have > 0) {
          ContentRange range = ContentRange.parse(response.header("Content-Range"));
          if (range != null && range.total() == have) {
            return true; // everything had arrived before the connection dropped
          }
          restart(out);
          attempts.failedWith("416 for a resumed range", null);
          return false;
        } else {
          attempts.failedWith(response);
          return false;
        }
        if (validator == null) {
          validator = validatorOf(response);
        }
        if (expected == null) {
          expected = ExpectedChecksum.fromHeaders(response.headers());
        }
        if (have == 0) {
          hashing = expected != null;
        }
        try (BufferedSource in = response.body().source()) {
          copy(in, out);
        }
        if (total >= 0 && have != total) {
          attempts.failedWith("body ended at byte " + have + " of " + total, null);
          return false;
        }
        return true;
      } catch (IOException e) {
        attempts.failedWith(e);
        return false;
      }
    }

    // network reads throw IOException (retried); local writes throw UncheckedIOException (not).
    // A direct buffer: Okio copies into it once and the file channel writes it without a copy.
    private void copy(BufferedSource in, FileChannel out) throws IOException {
      boolean end = false;
      while (!end) {
        buffer.clear();
        // Okio hands over at most one 8 KiB segment per read: fill the buffer before writing
        while (buffer.hasRemaining()) {
          if (in.read(buffer) < 0) {
            end = true;
            break;
          }
        }
        buffer.flip();
        int n = buffer.remaining();
        if (hashing) {
          sha256.update(buffer.duplicate());
        }
        try {
          while (buffer.hasRemaining()) {
            out.write(buffer);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        have += n;
      }
    }

    private void restart(FileChannel out) {
      try {
        out.truncate(0);
        out.position(0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      sha256.reset();
      have = 0;
      validator = null;
    }

    private void verify() throws IOException {
      if (expected == null) {
        return;
      }
      byte[] actual = hashing ? sha256.digest() : sha256Of(part);
      if (!MessageDigest.isEqual(actual, expected.sha256())) {
        throw new StagingException(
            Reason.CORRUPT,
            "checksum mismatch for "
                + source
                + ": expected sha256 "
                + expected.hex()
                + " (from the "
                + expected.source()
                + "), got "
                + HexFormat.of().formatHex(actual),
            false,
            null);
      }
    }
  }

  /** Counts failed attempts of one transfer, waits between them and gives up when they run out. */
  private final class Attempts {
    private final String method;
    private final HttpTarget target;
    private int failures;

    Attempts(String method, HttpTarget target) {
      this.method = method;
      this.target = target;
    }

    void failedWith(Response response) {
      int code = response.code();
      String status = code + (response.message().isEmpty() ? "" : " " + response.message());
      if (!RETRYABLE_STATUS.contains(code)) {
        Reason reason =
            switch (code) {
              case 404, 410 -> Reason.NOT_FOUND;
              case 401, 403 -> Reason.DENIED;
              default -> Reason.FAILED;
            };
        throw new StagingException(
            reason, method + " " + target + " answered " + status, false, null);
      }
      failedWith("answer " + status, retryAfter(response.header("Retry-After")));
    }

    void failedWith(IOException e) {
      // Okio reports an interrupted thread as InterruptedIOException("interrupted") and clears
      // the flag; a timeout is a SocketTimeoutException or "timeout", which is worth a retry
      if (Thread.currentThread().isInterrupted()
          || (e instanceof InterruptedIOException && "interrupted".equals(e.getMessage()))) {
        Thread.currentThread().interrupt();
        throw new StagingException(
            Reason.CANCELLED, method + " " + target + " was interrupted", true, e);
      }
      failedWith(e.toString(), null);
    }

    void failedWith(String reason, Duration retryAfter) {
      failures++;
      if (failures > options.maxRetries()) {
        throw new StagingException(
            method + " " + target + " failed after " + failures + " attempts: " + reason,
            true,
            null);
      }
      Duration wait = backoff(retryAfter);
      log.info(
          "{} {} failed ({}); retry {} of {} in {} ms",
          method,
          target,
          reason,
          failures,
          options.maxRetries(),
          wait.toMillis());
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StagingException(
            Reason.CANCELLED, method + " " + target + " was interrupted", true, e);
      }
    }

    private Duration backoff(Duration retryAfter) {
      if (retryAfter != null) {
        return retryAfter.compareTo(options.maxRetryAfter()) > 0
            ? options.maxRetryAfter()
            : retryAfter;
      }
      double base =
          Math.min(
              options.maxBackoff().toMillis(),
              options.initialBackoff().toMillis() * Math.pow(2, failures - 1));
      double jitter = base * options.jitter() * ThreadLocalRandom.current().nextDouble();
      return Duration.ofMillis((long) (base - jitter));
    }
  }

  /** Seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
  static Duration retryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(Instant.now(), at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException e) {
        return null;
      }
    }
  }

  private static String validatorOf(Response response) {
    String etag = response.header("ETag");
    if (etag != null && !etag.startsWith("W/")) {
      return etag; // If-Range needs a strong validator
    }
    return response.header("Last-Modified");
  }

  private static byte[] sha256Of(Path file) throws IOException {
    MessageDigest md = newSha256();
    ByteBuffer b = ByteBuffer.allocateDirect(BUFFER_BYTES);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      while (in.read(b) >= 0) {
        b.flip();
        md.update(b);
        b.clear();
      }
    }
    return md.digest();
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** {@code Content-Range: bytes start-end/total} or {@code bytes *}{@code /total}. */
  record ContentRange(long start, long end, long total) {
    static ContentRange parse(String header) {
      if (header == null || !header.trim().toLowerCase(Locale.ROOT).startsWith("bytes ")) {
        return null;
      }
      String spec = header.trim().substring(6).trim();
      int slash = spec.indexOf('/');
      if (slash < 0) {
        return null;
      }
      try {
        String range = spec.substring(0, slash).trim();
        String totalPart = spec.substring(slash + 1).trim();
        long total = totalPart.equals("*") ? -1 : Long.parseLong(totalPart);
        if (range.equals("*")) {
          return new ContentRange(-1, -1, total);
        }
        int dash = range.indexOf('-');
        return new ContentRange(
            Long.parseLong(range.substring(0, dash)),
            Long.parseLong(range.substring(dash + 1)),
            total);
      } catch (RuntimeException e) {
        return null;
      }
    }
  }
}
