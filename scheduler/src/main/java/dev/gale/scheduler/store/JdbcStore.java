package dev.gale.scheduler.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gale.api.TaskState;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database behind the persisted maps: one table per {@link StoredMap} keyed by {@code id},
 * values as bytes from the map's {@link RecordCodec}, a connection pool, the schema migrations, and
 * a record of the last failure. H2 and PostgreSQL share this code; {@link SqlDialect} holds their
 * few differences.
 *
 * <p>Thread-safe. Every method may block on the database; each write is one transaction, so a
 * failed batch leaves no row of it behind. Failures throw {@link StoreException} naming the
 * operation, the store (never the password) and the cause; the first failure after a success is
 * logged as an error, recovery as info.
 */
public final class JdbcStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);
  private static final int KEYS_PER_QUERY = 500;
  private static final long CONNECTION_TIMEOUT_MILLIS = 3_000;
  private static final java.util.Set<String> TERMINAL =
      Arrays.stream(TaskState.values())
          .filter(TaskState::isTerminal)
          .map(TaskState::wireName)
          .collect(Collectors.toUnmodifiableSet());

  private final StoreOptions options;
  private final SqlDialect dialect;
  private final HikariDataSource pool;
  private final Object healthLock = new Object();
  private long failures;
  private long consecutiveFailures;
  private String lastError;
  private Instant lastErrorAt;

  private JdbcStore(StoreOptions options, SqlDialect dialect, HikariDataSource pool) {
    this.options = options;
    this.dialect = dialect;
    this.pool = pool;
  }

  /**
   * Connects, creates the schema if it is missing and migrates an older one.
   *
   * @throws StoreException when the database cannot be reached or is newer than this code
   * @throws IllegalArgumentException for a store of kind {@code none}
   */
  public static JdbcStore open(StoreOptions options) {
    if (!options.enabled()) {
      throw new IllegalArgumentException("store kind none has no database");
    }
    if (options.kind() == StoreKind.EMBEDDED) {
      try {
        Files.createDirectories(options.path());
      } catch (IOException e) {
        throw new StoreException(
            "cannot create the directory of the embedded database " + options.path() + ": " + e, e);
      }
    }
    String url = options.effectiveJdbcUrl();
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("gale-store");
    hc.setJdbcUrl(url);
    hc.setUsername(
        options.user() != null
            ? options.user()
            : options.kind() == StoreKind.EMBEDDED ? "gale" : null);
    hc.setPassword(
        options.password() != null
            ? options.password()
            : options.kind() == StoreKind.EMBEDDED ? "" : null);
    hc.setMaximumPoolSize(options.maxConnections());
    hc.setMinimumIdle(1);
    hc.setAutoCommit(false);
    hc.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
    if (options.kind() == StoreKind.POSTGRESQL) {
      hc.addDataSourceProperty("connectTimeout", "3");
      hc.addDataSourceProperty("socketTimeout", "120");
      hc.addDataSourceProperty("reWriteBatchedInserts", "true");
    }
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(hc);
    } catch (RuntimeException e) {
      throw new StoreException(
          "cannot open the store (" + options.describe() + "): " + rootMessage(e), e);
    }
    JdbcStore store = new JdbcStore(options, SqlDialect.of(url), pool);
    try {
      store.migrate();
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    LOG.info("store: {} at schema version {}", options.describe(), Schema.LATEST);
    return store;
  }

  /** The options this store was opened with. */
  public StoreOptions options() {
    return options;
  }

  private void migrate() {
    try (Connection c = pool.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute(
            "CREATE TABLE IF NOT EXISTS gale_schema (id INT PRIMARY KEY, version INT NOT NULL)");
      }
      c.commit();
      int version = readVersion(c);
      if (version > Schema.LATEST) {
        throw new StoreException(
            "the database ("
                + options.describe()
                + ") is at schema version "
                + version
                + ", newer than this Gale knows ("
                + Schema.LATEST
                + "); use a newer Gale",
            null);
      }
      for (int v = version + 1; v <= Schema.LATEST; v++) {
        try (Statement s = c.createStatement()) {
          for (String sql : Schema.migration(v, dialect)) {
            s.execute(sql);
          }
        }
        try (PreparedStatement ps =
            c.prepareStatement(dialect.upsert("gale_schema", List.of("id", "version")))) {
          ps.setInt(1, 1);
          ps.setInt(2, v);
          ps.executeUpdate();
        }
        c.commit();
        LOG.info("store: migrated {} to schema version {}", options.describe(), v);
      }
    } catch (SQLException e) {
      throw failure("create or migrate the schema", e);
    }
  }

  private static int readVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version FROM gale_schema WHERE id = 1")) {
      int v = rs.next() ? rs.getInt(1) : 0;
      c.commit();
      return v;
    }
  }

  /** The schema version the database is at. */
  public int schemaVersion() {
    try (Connection c = pool.getConnection()) {
      int v = readVersion(c);
      succeeded();
      return v;
    } catch (SQLException e) {
      throw failure("read the schema version", e);
    }
  }

  // ---- rows ----

  /**
   * One row to write. {@code state} and {@code finishedAt} are used by the task table only.
   *
   * @param id the map key
   * @param body the encoded value
   * @param state the task's state (wire name), or null for other maps
   * @param finishedAt when the task finished (epoch millis), 0 while it has not
   */
  record Row(String id, byte[] body, String state, long finishedAt) {}

  /**
   * Inserts or replaces rows, in batches of {@code writeBatchSize}, in one transaction. A task row
   * whose state is not terminal gets {@code finished_at = 0} whatever its {@code finishedAt}: the
   * load at start finds unfinished tasks by that, through the {@code finished_at} index.
   */
  void upsert(StoredMap map, Collection<Row> rows) {
    if (rows.isEmpty()) {
      return;
    }
    List<String> columns =
        map.isTasks()
            ? List.of("id", "state", "finished_at", "body", "updated_at")
            : List.of("id", "body", "updated_at");
    long now = System.currentTimeMillis();
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(dialect.upsert(map.table(), columns))) {
      int pending = 0;
      for (Row r : rows) {
        int i = 1;
        ps.setString(i++, r.id());
        if (map.isTasks()) {
          ps.setString(i++, r.state());
          ps.setLong(i++, TERMINAL.contains(r.state()) ? r.finishedAt() : 0);
        }
        ps.setBytes(i++, r.body());
        ps.setLong(i, now);
        ps.addBatch();
        if (++pending == options.writeBatchSize()) {
          ps.executeBatch();
          pending = 0;
        }
      }
      if (pending > 0) {
        ps.executeBatch();
      }
      c.commit();
      succeeded();
    } catch (SQLException e) {
      throw failure("write " + rows.size() + " row(s) to " + map.table(), e);
    }
  }

  /** Deletes the rows with these ids (absent ones are ignored), in one transaction. */
  void delete(StoredMap map, Collection<String> ids) {
    if (ids.isEmpty()) {
      return;
    }
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM " + map.table() + " WHERE id = ?")) {
      int pending = 0;
      for (String id : ids) {
        ps.setString(1, id);
        ps.addBatch();
        if (++pending == options.writeBatchSize()) {
          ps.executeBatch();
          pending = 0;
        }
      }
      if (pending > 0) {
        ps.executeBatch();
      }
      c.commit();
      succeeded();
    } catch (SQLException e) {
      throw failure("delete " + ids.size() + " row(s) from " + map.table(), e);
    }
  }

  /**
   * The stored bytes of one id, or null (for inspection and tests; Hazelcast reads through {@link
   * JdbcMapStore}).
   */
  public byte[] read(StoredMap map, String id) {
    return readAll(map, List.of(id)).get(id);
  }

  /** The stored bytes of these ids; absent ids are left out. */
  Map<String, byte[]> readAll(StoredMap map, Collection<String> ids) {
    Map<String, byte[]> out = new HashMap<>(ids.size() * 2);
    if (ids.isEmpty()) {
      return out;
    }
    List<String> all = new ArrayList<>(ids);
    try (Connection c = pool.getConnection()) {
      for (int from = 0; from < all.size(); from += KEYS_PER_QUERY) {
        List<String> chunk = all.subList(from, Math.min(all.size(), from + KEYS_PER_QUERY));
        String sql =
            "SELECT id, body FROM "
                + map.table()
                + " WHERE id IN ("
                + SqlDialect.placeholders(chunk.size())
                + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          for (int i = 0; i < chunk.size(); i++) {
            ps.setString(i + 1, chunk.get(i));
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(rs.getString(1), rs.getBytes(2));
            }
          }
        }
      }
      c.commit();
      succeeded();
      return out;
    } catch (SQLException e) {
      throw failure("read " + ids.size() + " row(s) of " + map.table(), e);
    }
  }

  /** Every id of a table. */
  List<String> keys(StoredMap map) {
    return queryIds("list the ids of " + map.table(), "SELECT id FROM " + map.table(), List.of());
  }

  /**
   * Ids of the tasks to load at start: every task that is not finished, plus the {@code
   * maxFinished} most recently finished ones that finished at or after {@code finishedSince}. Both
   * are range reads of the {@code finished_at} index (0 for unfinished tasks).
   */
  List<String> taskKeysToLoad(long finishedSince, int maxFinished) {
    List<String> open =
        Arrays.stream(TaskState.values())
            .filter(s -> !s.isTerminal())
            .map(TaskState::wireName)
            .toList();
    String table = StoredMap.TASKS.table();
    List<String> ids =
        queryIds(
            "list the unfinished tasks",
            "SELECT id FROM "
                + table
                + " WHERE finished_at = 0 AND state IN ("
                + open.stream().map(s -> "'" + s + "'").collect(Collectors.joining(", "))
                + ")",
            List.of());
    if (maxFinished > 0) {
      ids.addAll(
          queryIds(
              "list the recently finished tasks",
              "SELECT id FROM "
                  + table
                  + " WHERE finished_at >= ? AND finished_at > 0"
                  + " ORDER BY finished_at DESC FETCH FIRST ? ROWS ONLY",
              List.of(finishedSince, (long) maxFinished)));
    }
    return ids;
  }

  private List<String> queryIds(String what, String sql, List<Long> params) {
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        ps.setLong(i + 1, params.get(i));
      }
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      c.commit();
      succeeded();
      return ids;
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  // ---- health ----

  /**
   * How the database has been answering.
   *
   * @param healthy whether the last operation succeeded
   * @param failures failed operations since the store was opened
   * @param lastError the message of the last failure, or null
   * @param lastErrorAt when it happened, or null
   */
  public record Health(boolean healthy, long failures, String lastError, Instant lastErrorAt) {}

  /** The store's health as of its last operation. */
  public Health health() {
    synchronized (healthLock) {
      return new Health(consecutiveFailures == 0, failures, lastError, lastErrorAt);
    }
  }

  private void succeeded() {
    long failed;
    synchronized (healthLock) {
      failed = consecutiveFailures;
      consecutiveFailures = 0;
    }
    if (failed > 0) {
      LOG.info("store: {} answers again after {} failed operation(s)", options.describe(), failed);
    }
  }

  private StoreException failure(String what, SQLException e) {
    String message =
        "cannot " + what + " in the store (" + options.describe() + "): " + rootMessage(e);
    boolean first;
    synchronized (healthLock) {
      first = consecutiveFailures == 0;
      consecutiveFailures++;
      failures++;
      lastError = message;
      lastErrorAt = Instant.now();
    }
    if (first) {
      LOG.error("{} (pending changes stay queued and are retried)", message, e);
    } else {
      LOG.debug("{}", message);
    }
    return new StoreException(message, e);
  }

  /** The message of an exception and, if different, of its root cause. */
  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String top = String.valueOf(e.getMessage());
    return root == e || top.contains(String.valueOf(root.getMessage()))
        ? top
        : top + " (" + root.getMessage() + ")";
  }

  /** Closes the connection pool. Idempotent. */
  @Override
  public void close() {
    pool.close();
  }
}
