package dev.gale.transfer;

import dev.gale.transfer.copy.CopyEngineOptions;
import dev.gale.transfer.file.FileStager;
import dev.gale.transfer.globus.GlobusStager;
import dev.gale.transfer.globus.GlobusStagerOptions;
import dev.gale.transfer.http.HttpStager;
import dev.gale.transfer.http.HttpStagerOptions;
import dev.gale.transfer.s3.S3Stager;
import dev.gale.transfer.s3.S3StagerOptions;
import dev.gale.transfer.spi.Stager;
import dev.gale.transfer.staging.StagingOptions;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds the transfer module's parts from settings named {@code gale.transfer.<key>}, so that the
 * command line, the gateway and the node agent configure them the same way. {@link #KEYS} lists
 * every key with its default; an absent key takes the default, a malformed one fails naming it.
 *
 * <p>Credentials: S3 takes {@code s3.access-key-id}/{@code s3.secret-access-key} when set, else the
 * AWS SDK's default chain ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, profiles,
 * instance roles); Globus needs {@code globus.client-id} and {@code globus.client-secret} (a
 * service account) and is left out without them; http(s) takes user info from each URL.
 */
public final class TransferSettings {

  /** How a key's value is checked before anything is built from it. */
  public enum Kind {
    /** Free text. */
    TEXT,
    /** Free text that is never shown: listings print {@code (set)}, errors leave it out. */
    SECRET,
    /** A whole number from 0 to {@link Integer#MAX_VALUE}. */
    INT,
    /** A whole number from 0 to {@link Long#MAX_VALUE}. */
    LONG,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** An absolute URL with a scheme. */
    URL
  }

  /**
   * One setting.
   *
   * @param key the full key, e.g. {@code gale.transfer.s3.endpoint}
   * @param defaultValue its default as text (empty for none)
   * @param description one line for the configuration reference
   * @param kind how a value is checked
   */
  public record Key(String key, String defaultValue, String description, Kind kind) {
    /** A free-text key. */
    public Key(String key, String defaultValue, String description) {
      this(key, defaultValue, description, Kind.TEXT);
    }

    /** The environment variable: {@code GALE_TRANSFER_S3_ENDPOINT}. */
    public String envVar() {
      return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Whether the value is a credential that must not be shown. */
    public boolean isSecret() {
      return kind == Kind.SECRET;
    }

    /**
     * Checks a value of this key (blank means the default and is always valid).
     *
     * @return the reason it is invalid, e.g. {@code "not a whole number"}, or null when it is valid
     */
    public String problem(String value) {
      if (value == null || value.isBlank()) {
        return null;
      }
      String v = value.trim();
      switch (kind) {
        case INT, LONG -> {
          try {
            long n = Long.parseLong(v);
            if (n < 0 || (kind == Kind.INT && n > Integer.MAX_VALUE)) {
              return "out of range (0 to "
                  + (kind == Kind.INT ? Integer.MAX_VALUE : Long.MAX_VALUE)
                  + ")";
            }
          } catch (NumberFormatException e) {
            return "not a whole number";
          }
        }
        case BOOLEAN -> {
          if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            return "not true or false";
          }
        }
        case URL -> {
          try {
            if (new URI(v).getScheme() == null) {
              return "not a URL with a scheme (http://host:port)";
            }
          } catch (java.net.URISyntaxException e) {
            return "not a URL (" + e.getReason() + ")";
          }
        }
        default -> {}
      }
      return null;
    }
  }

  /** Every key this class reads. */
  public static final List<Key> KEYS =
      List.of(
          new Key(
              "gale.transfer.file.roots",
              "",
              "directories file:// URLs may use ("
                  + File.pathSeparator
                  + "-separated); none: file URLs are refused"),
          new Key(
              "gale.transfer.http.max-retries", "5", "retries of a failed HTTP request", Kind.INT),
          new Key("gale.transfer.http.read-timeout-seconds", "30", "HTTP read timeout", Kind.INT),
          new Key("gale.transfer.s3.endpoint", "", "S3 endpoint URL; empty: AWS", Kind.URL),
          new Key("gale.transfer.s3.region", "", "S3 region; empty: the AWS default chain"),
          new Key(
              "gale.transfer.s3.path-style", "false", "path-style bucket addressing", Kind.BOOLEAN),
          new Key(
              "gale.transfer.s3.access-key-id", "", "S3 access key; empty: the AWS default chain"),
          new Key("gale.transfer.s3.secret-access-key", "", "S3 secret key", Kind.SECRET),
          new Key(
              "gale.transfer.s3.multipart-threshold-bytes",
              "16777216",
              "multipart above this",
              Kind.LONG),
          new Key("gale.transfer.s3.part-size-bytes", "8388608", "multipart part size", Kind.LONG),
          new Key(
              "gale.transfer.s3.max-concurrency", "8", "parts in flight per transfer", Kind.INT),
          new Key("gale.transfer.globus.client-id", "", "Globus service account; empty: no globus"),
          new Key("gale.transfer.globus.client-secret", "", "its secret", Kind.SECRET),
          new Key("gale.transfer.globus.local-endpoint", "", "this node's Globus collection id"),
          new Key("gale.transfer.globus.local-root", "", "the directory that collection's / shows"),
          new Key(
              "gale.transfer.globus.auth-url", "https://auth.globus.org", "Globus Auth", Kind.URL),
          new Key(
              "gale.transfer.globus.transfer-url",
              "https://transfer.api.globus.org/v0.10",
              "Globus Transfer API",
              Kind.URL),
          new Key(
              "gale.transfer.globus.sync-level",
              "",
              "exists, size, mtime or checksum; empty: copy"),
          new Key(
              "gale.transfer.globus.task-timeout-seconds",
              "3600",
              "bound on one Globus task",
              Kind.INT),
          new Key("gale.transfer.staging.parallelism", "4", "transfers at once per node", Kind.INT),
          new Key("gale.transfer.staging.cache-dir", "", "per-node input cache; empty: none"),
          new Key("gale.transfer.staging.cache-max-bytes", "10737418240", "cache size", Kind.LONG),
          new Key(
              "gale.transfer.staging.max-input-bytes", "10737418240", "largest input", Kind.LONG),
          new Key(
              "gale.transfer.staging.max-total-input-bytes",
              "53687091200",
              "largest sum of a task's inputs",
              Kind.LONG),
          new Key(
              "gale.transfer.copy.max-concurrent", "2", "site-to-site transfers at once", Kind.INT),
          new Key(
              "gale.transfer.copy.files-in-parallel",
              "4",
              "files of one transfer at once",
              Kind.INT),
          new Key("gale.transfer.copy.spool-dir", "", "where copies pass through; empty: tmp"));

  private final Function<String, String> lookup;

  private TransferSettings(Function<String, String> lookup) {
    this.lookup = lookup;
  }

  /** Settings read by key through {@code lookup} (null or blank: the default). */
  public static TransferSettings of(Function<String, String> lookup) {
    return new TransferSettings(lookup);
  }

  /**
   * Settings read from system properties named like the keys ({@code -Dgale.transfer.file.roots=…})
   * and else from environment variables such as {@code GALE_TRANSFER_S3_ENDPOINT}: what a process
   * uses when it was given no settings explicitly.
   */
  public static TransferSettings fromSystem() {
    Map<String, String> env = System.getenv();
    return new TransferSettings(
        key -> {
          String p = System.getProperty(key);
          return p != null && !p.isBlank() ? p : env.get(keyOf(key).envVar());
        });
  }

  /**
   * The key with this name.
   *
   * @throws IllegalStateException for a name that is not in {@link #KEYS}
   */
  public static Key keyOf(String key) {
    return KEYS.stream()
        .filter(k -> k.key().equals(key))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("unknown key " + key));
  }

  /** Settings read from environment variables such as {@code GALE_TRANSFER_S3_ENDPOINT}. */
  public static TransferSettings fromEnvironment(Map<String, String> env) {
    return new TransferSettings(key -> env.get(new Key(key, "", "").envVar()));
  }

  /** The stagers: file, http(s), s3, and globus when it has credentials. */
  public Stagers stagers() {
    List<Stager> stagers = new ArrayList<>();
    List<Path> roots = new ArrayList<>();
    for (String r : text("file.roots").split(File.pathSeparator)) {
      if (!r.isBlank()) {
        roots.add(Path.of(r.trim()));
      }
    }
    stagers.add(new FileStager(roots));
    stagers.add(
        new HttpStager(
            HttpStagerOptions.builder()
                .maxRetries(integer("http.max-retries"))
                .readTimeout(Duration.ofSeconds(integer("http.read-timeout-seconds")))
                .build()));
    S3StagerOptions.Builder s3 =
        S3StagerOptions.builder()
            .region(blankToNull(text("s3.region")))
            .pathStyleAccess(bool("s3.path-style"))
            .multipartThresholdBytes(number("s3.multipart-threshold-bytes"))
            .partSizeBytes(number("s3.part-size-bytes"))
            .maxConcurrency(integer("s3.max-concurrency"));
    if (!text("s3.endpoint").isBlank()) {
      s3.endpoint(url("s3.endpoint"));
    }
    if (!text("s3.access-key-id").isBlank()) {
      s3.credentials(text("s3.access-key-id"), text("s3.secret-access-key"));
    }
    stagers.add(new S3Stager(build("s3", s3::build)));
    if (!text("globus.client-id").isBlank()) {
      GlobusStagerOptions.Builder g =
          GlobusStagerOptions.builder()
              .clientCredentials(text("globus.client-id"), text("globus.client-secret"))
              .authUrl(url("globus.auth-url"))
              .transferUrl(url("globus.transfer-url"))
              .syncLevel(blankToNull(text("globus.sync-level")))
              .taskTimeout(Duration.ofSeconds(integer("globus.task-timeout-seconds")));
      if (!text("globus.local-endpoint").isBlank()) {
        g.localEndpoint(text("globus.local-endpoint"), Path.of(text("globus.local-root")));
      }
      stagers.add(new GlobusStager(build("globus", g::build)));
    }
    return new Stagers(stagers);
  }

  /** Options of the node agent's staging engine. */
  public StagingOptions stagingOptions() {
    StagingOptions.Builder b =
        StagingOptions.builder()
            .parallelism(integer("staging.parallelism"))
            .maxInputBytes(number("staging.max-input-bytes"))
            .maxTotalInputBytes(number("staging.max-total-input-bytes"));
    if (!text("staging.cache-dir").isBlank()) {
      b.cache(Path.of(text("staging.cache-dir")), number("staging.cache-max-bytes"));
    }
    return build("staging", b::build);
  }

  /** Options of the gateway's copy engine. */
  public CopyEngineOptions copyOptions() {
    CopyEngineOptions.Builder b =
        CopyEngineOptions.builder()
            .maxConcurrentTransfers(integer("copy.max-concurrent"))
            .filesInParallel(integer("copy.files-in-parallel"));
    if (!text("copy.spool-dir").isBlank()) {
      b.spoolDir(Path.of(text("copy.spool-dir")));
    }
    return build("copy", b::build);
  }

  private String text(String shortKey) {
    String key = "gale.transfer." + shortKey;
    String v = lookup.apply(key);
    if (v == null || v.isBlank()) {
      return keyOf(key).defaultValue();
    }
    return v.trim();
  }

  private long number(String shortKey) {
    try {
      return Long.parseLong(text(shortKey));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("gale.transfer." + shortKey + " must be a whole number");
    }
  }

  private int integer(String shortKey) {
    long v = number(shortKey);
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("gale.transfer." + shortKey + " is out of range: " + v);
    }
    return (int) v;
  }

  private boolean bool(String shortKey) {
    String v = text(shortKey).toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException("gale.transfer." + shortKey + " must be true or false");
    }
    return v.equals("true");
  }

  private URI url(String shortKey) {
    try {
      URI u = new URI(text(shortKey));
      if (u.getScheme() == null) {
        throw new IllegalArgumentException("gale.transfer." + shortKey + " must be a URL");
      }
      return u;
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("gale.transfer." + shortKey + " must be a URL");
    }
  }

  private static String blankToNull(String s) {
    return s.isBlank() ? null : s;
  }

  private static <T> T build(String what, java.util.function.Supplier<T> builder) {
    try {
      return builder.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("gale.transfer." + what + ": " + e.getMessage(), e);
    }
  }
}
