package dev.gale.scheduler.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how a scheduler member persists its durable maps (functions, deleted functions,
 * artifacts, tokens, pools, tasks). Immutable; build with {@link #builder()}. The password never
 * appears in {@link #toString()}.
 *
 * @param kind {@code none}, {@code embedded} or {@code postgresql}; default {@code none}
 * @param path directory of the embedded database; default {@code $GALE_HOME/db} ({@code ~/.gale/db}
 *     when {@code GALE_HOME} is not set)
 * @param jdbcUrl JDBC URL of the PostgreSQL database ({@code jdbc:postgresql://host:port/db});
 *     required for {@code postgresql}, ignored otherwise
 * @param user database user; default none (the driver's default)
 * @param password database password; default none
 * @param writeDelaySeconds how long a change waits in the write-behind queue before it is written;
 *     at least 1; default 1
 * @param writeBatchSize at most this many rows per database batch; default 1000
 * @param writeCoalescing whether only the latest change of a key is written (one row write per key
 *     and flush, whatever the number of changes); default true
 * @param writeBehindQueueCapacity bound on the pending changes held by one member (its own and
 *     backups). Hazelcast applies it only when {@code writeCoalescing} is false: a change that
 *     would exceed it is refused with {@code ReachedMaxSizeException}. With coalescing the queue
 *     holds at most one entry per changed key, so it is bounded by the number of records instead;
 *     default 50,000
 * @param finishedInMemory how long a finished task's record stays in the cluster's memory after it
 *     finished (or after it was last read back from the database); later it is read from the
 *     database when asked for by id and listed from there. Finished tasks younger than this are
 *     also loaded at start. At least 1 second, at most {@code retention}; default 1 minute
 * @param maxFinishedTasksLoaded at most this many finished tasks (the newest) are loaded at start;
 *     default 100,000
 * @param flushTimeout how long closing a member waits for its pending changes to reach the
 *     database; default 30 seconds
 * @param maxConnections size of the connection pool; default 4
 * @param retention how long a finished task (record and result) is kept at all, from when it
 *     finished: then it is deleted from the database (and, without a database, from memory) and
 *     reads of it answer 404. At least 1 second; default 7 days
 */
public record StoreOptions(
    StoreKind kind,
    Path path,
    String jdbcUrl,
    String user,
    String password,
    int writeDelaySeconds,
    int writeBatchSize,
    boolean writeCoalescing,
    int writeBehindQueueCapacity,
    Duration finishedInMemory,
    int maxFinishedTasksLoaded,
    Duration flushTimeout,
    int maxConnections,
    Duration retention) {

  public StoreOptions {
    Objects.requireNonNull(kind, "kind");
    path = path == null ? defaultPath() : path.toAbsolutePath().normalize();
    Objects.requireNonNull(finishedInMemory, "finishedInMemory");
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(flushTimeout, "flushTimeout");
    if (kind == StoreKind.POSTGRESQL
        && (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:"))) {
      throw new IllegalArgumentException(
          "a postgresql store needs a JDBC URL like jdbc:postgresql://host:5432/gale, got "
              + (jdbcUrl == null ? "none" : "'" + jdbcUrl + "'"));
    }
    requireAtLeast("writeDelaySeconds", writeDelaySeconds, 1);
    requireAtLeast("writeBatchSize", writeBatchSize, 1);
    requireAtLeast("writeBehindQueueCapacity", writeBehindQueueCapacity, 1);
    requireAtLeast("maxFinishedTasksLoaded", maxFinishedTasksLoaded, 0);
    requireAtLeast("maxConnections", maxConnections, 1);
    if (flushTimeout.isNegative()) {
      throw new IllegalArgumentException("flushTimeout must not be negative");
    }
    if (retention.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("retention must be at least 1 second, got " + retention);
    }
    if (finishedInMemory.compareTo(Duration.ofSeconds(1)) < 0
        || finishedInMemory.compareTo(retention) > 0) {
      throw new IllegalArgumentException(
          "finishedInMemory must be at least 1 second and at most the retention ("
              + retention
              + "), got "
              + finishedInMemory);
    }
  }

  private static void requireAtLeast(String name, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
    }
  }

  /**
   * The default directory of the embedded database: {@code $GALE_HOME/db}, else {@code ~/.gale/db}.
   */
  public static Path defaultPath() {
    String home = System.getenv("GALE_HOME");
    Path base =
        home != null && !home.isBlank()
            ? Path.of(home)
            : Path.of(System.getProperty("user.home"), ".gale");
    return base.resolve("db").toAbsolutePath().normalize();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** No persistence (the default of {@link dev.gale.scheduler.SchedulerOptions}). */
  public static StoreOptions none() {
    return builder().build();
  }

  /** An embedded database under {@code dir}, other settings at their defaults. */
  public static StoreOptions embedded(Path dir) {
    return builder().kind(StoreKind.EMBEDDED).path(dir).build();
  }

  /** A PostgreSQL database, other settings at their defaults. */
  public static StoreOptions postgresql(String jdbcUrl, String user, String password) {
    return builder()
        .kind(StoreKind.POSTGRESQL)
        .jdbcUrl(jdbcUrl)
        .user(user)
        .password(password)
        .build();
  }

  /** True unless the kind is {@code none}. */
  public boolean enabled() {
    return kind != StoreKind.NONE;
  }

  /** The JDBC URL actually used: the given one for PostgreSQL, an H2 file URL for embedded. */
  public String effectiveJdbcUrl() {
    return switch (kind) {
      case POSTGRESQL -> jdbcUrl;
      // AUTO_SERVER: a second local process opens the same files through the first one's server.
      // H2 then closes the database in a JVM shutdown hook (it cannot be turned off with
      // AUTO_SERVER), so a member must be closed before the JVM exits, as the CLI does on signals.
      case EMBEDDED -> "jdbc:h2:file:" + path.resolve("gale") + ";AUTO_SERVER=TRUE";
      case NONE -> throw new IllegalStateException("no database for store kind none");
    };
  }

  /** Where the data goes, for logs: the URL (PostgreSQL) or the directory (embedded). */
  public String describe() {
    return switch (kind) {
      case POSTGRESQL -> "postgresql " + redact(jdbcUrl) + (user == null ? "" : " as " + user);
      case EMBEDDED -> "embedded database in " + path;
      case NONE -> "none";
    };
  }

  /** A JDBC URL with the value of any {@code password} parameter masked. */
  static String redact(String url) {
    return url == null ? null : url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  @Override
  public String toString() {
    return "StoreOptions[kind="
        + kind.wireName()
        + ", path="
        + path
        + ", jdbcUrl="
        + redact(jdbcUrl)
        + ", user="
        + user
        + ", password="
        + (password == null ? "none" : "***")
        + ", writeDelaySeconds="
        + writeDelaySeconds
        + ", writeBatchSize="
        + writeBatchSize
        + ", writeCoalescing="
        + writeCoalescing
        + ", writeBehindQueueCapacity="
        + writeBehindQueueCapacity
        + ", finishedInMemory="
        + finishedInMemory
        + ", maxFinishedTasksLoaded="
        + maxFinishedTasksLoaded
        + ", flushTimeout="
        + flushTimeout
        + ", maxConnections="
        + maxConnections
        + ", retention="
        + retention
        + "]";
  }

  /** Builder for {@link StoreOptions}; each setter documents its default above. */
  public static final class Builder {
    private StoreKind kind = StoreKind.NONE;
    private Path path;
    private String jdbcUrl;
    private String user;
    private String password;
    private int writeDelaySeconds = 1;
    private int writeBatchSize = 1000;
    private boolean writeCoalescing = true;
    private int writeBehindQueueCapacity = 50_000;
    private Duration finishedInMemory = Duration.ofMinutes(1);
    private int maxFinishedTasksLoaded = 100_000;
    private Duration flushTimeout = Duration.ofSeconds(30);
    private int maxConnections = 4;
    private Duration retention = Duration.ofDays(7);

    public Builder kind(StoreKind v) {
      kind = v;
      return this;
    }

    public Builder path(Path v) {
      path = v;
      return this;
    }

    public Builder jdbcUrl(String v) {
      jdbcUrl = v;
      return this;
    }

    public Builder user(String v) {
      user = v;
      return this;
    }

    public Builder password(String v) {
      password = v;
      return this;
    }

    public Builder writeDelaySeconds(int v) {
      writeDelaySeconds = v;
      return this;
    }

    public Builder writeBatchSize(int v) {
      writeBatchSize = v;
      return this;
    }

    public Builder writeCoalescing(boolean v) {
      writeCoalescing = v;
      return this;
    }

    public Builder writeBehindQueueCapacity(int v) {
      writeBehindQueueCapacity = v;
      return this;
    }

    public Builder finishedInMemory(Duration v) {
      finishedInMemory = v;
      return this;
    }

    public Builder retention(Duration v) {
      retention = v;
      return this;
    }

    public Builder maxFinishedTasksLoaded(int v) {
      maxFinishedTasksLoaded = v;
      return this;
    }

    public Builder flushTimeout(Duration v) {
      flushTimeout = v;
      return this;
    }

    public Builder maxConnections(int v) {
      maxConnections = v;
      return this;
    }

    public StoreOptions build() {
      return new StoreOptions(
          kind,
          path,
          jdbcUrl,
          user,
          password,
          writeDelaySeconds,
          writeBatchSize,
          writeCoalescing,
          writeBehindQueueCapacity,
          finishedInMemory,
          maxFinishedTasksLoaded,
          flushTimeout,
          maxConnections,
          retention);
    }
  }
}
