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
   * One row to write. {@code state}, {@code finishedAt}, {@code tenant}, {@code functionId} and
   * {@code createdAt} are used by the task table only.
   *
   * @param id the map key
   * @param body the encoded value
   * @param state the task's state (wire name), or null for other maps
   * @param finishedAt when the task finished (epoch millis), 0 while it has not
   * @param tenant the task's tenant
   * @param functionId the task's function id
   * @param createdAt when the task was submitted (epoch millis)
   */
  record Row(
      String id,
      byte[] body,
      String state,
      long finishedAt,
      String tenant,
      String functionId,
      long createdAt) {
    /** A row without the listing columns (other maps, and tests of the columns it has). */
    Row(String id, byte[] body, String state, long finishedAt) {
      this(id, body, state, finishedAt, null, null, 0);
    }
  }

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
            ? List.of(
                "id",
                "state",
                "finished_at",
                "tenant",
                "function_id",
                "created_at",
                "body",
                "updated_at")
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
          ps.setString(i++, r.tenant());
          ps.setString(i++, r.functionId());
          ps.setLong(i++, r.createdAt());
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

  /**
   * Fills the listing columns ({@code tenant}, {@code function_id}, {@code created_at}) of task
   * rows written before schema version 4, from their bodies, in batches of {@code writeBatchSize};
   * a row whose body cannot be read is left as it is (readable by id, not listed) and logged.
   * Idempotent: with nothing to fill it is one query that finds no row.
   *
   * @return how many rows were filled
   */
  public int fillTaskColumns(TaskCodec<?> codec) {
    String table = StoredMap.TASKS.table();
    int filled = 0;
    String after = "";
    try (Connection c = pool.getConnection();
        PreparedStatement select =
            c.prepareStatement(
                "SELECT id, body FROM "
                    + table
                    + " WHERE tenant IS NULL AND id > ? ORDER BY id FETCH FIRST ? ROWS ONLY");
        PreparedStatement update =
            c.prepareStatement(
                "UPDATE "
                    + table
                    + " SET tenant = ?, function_id = ?, created_at = ? WHERE id = ?")) {
      while (true) {
        Map<String, byte[]> bodies = new java.util.LinkedHashMap<>();
        select.setString(1, after);
        select.setInt(2, options.writeBatchSize());
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            bodies.put(rs.getString(1), rs.getBytes(2));
          }
        }
        if (bodies.isEmpty()) {
          c.commit();
          break;
        }
        for (var e : bodies.entrySet()) {
          after = e.getKey();
          filled += fillRow(update, codec, e.getKey(), e.getValue());
        }
        update.executeBatch();
        c.commit();
      }
      succeeded();
    } catch (SQLException e) {
      throw failure("fill the listing columns of " + table, e);
    }
    if (filled > 0) {
      LOG.info("store: listing columns filled in for {} task row(s) written before", filled);
    }
    return filled;
  }

  private static <V> int fillRow(PreparedStatement up, TaskCodec<V> codec, String id, byte[] body)
      throws SQLException {
    V v;
    try {
      v = codec.decode(body);
    } catch (RuntimeException ex) {
      LOG.error("store: task row {} cannot be read; it is not listed: {}", id, ex.getMessage());
      return 0;
    }
    up.setString(1, codec.tenant(v));
    up.setString(2, codec.functionId(v));
    up.setLong(3, codec.createdAt(v));
    up.setString(4, id);
    up.addBatch();
    return 1;
  }

  /**
   * The bodies of one tenant's finished tasks, newest first ({@code created_at} then {@code id},
   * descending), through the {@code (tenant, created_at)} index.
   *
   * @param state only tasks in this terminal state (wire name), or null for any finished one
   * @param functionId only tasks of this function, or null
   * @param beforeCreatedAt with {@code beforeId}: only tasks after this position in that order;
   *     {@link Long#MAX_VALUE} and null for the first page
   * @param limit at most this many
   */
  public List<byte[]> finishedTasks(
      String tenant,
      String state,
      String functionId,
      long beforeCreatedAt,
      String beforeId,
      int limit) {
    StringBuilder sql =
        new StringBuilder("SELECT body FROM ")
            .append(StoredMap.TASKS.table())
            .append(" WHERE tenant = ? AND finished_at > 0");
    List<Object> params = new ArrayList<>();
    params.add(tenant);
    if (state != null) {
      sql.append(" AND state = ?");
      params.add(state);
    }
    if (functionId != null) {
      sql.append(" AND function_id = ?");
      params.add(functionId);
    }
    if (beforeId == null) {
      sql.append(" AND created_at < ?");
      params.add(beforeCreatedAt);
    } else {
      sql.append(" AND created_at <= ? AND (created_at < ? OR id < ?)");
      params.add(beforeCreatedAt);
      params.add(beforeCreatedAt);
      params.add(beforeId);
    }
    sql.append(" ORDER BY created_at DESC, id DESC FETCH FIRST ? ROWS ONLY");
    params.add(limit);
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
      List<byte[]> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getBytes(1));
        }
      }
      c.commit();
      succeeded();
      return out;
    } catch (SQLException e) {
      throw failure("list the finished tasks of a tenant", e);
    }
  }

  /**
   * Deletes up to {@code max} tasks that finished before {@code finishedBefore} (epoch millis), the
   * oldest first, in one transaction, through the {@code finished_at} index.
   *
   * @return how many rows were deleted
   */
  public int deleteFinishedBefore(long finishedBefore, int max) {
    String table = StoredMap.TASKS.table();
    try (Connection c = pool.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "DELETE FROM "
                    + table
                    + " WHERE id IN (SELECT id FROM "
                    + table
                    + " WHERE finished_at > 0 AND finished_at < ?"
                    + " ORDER BY finished_at FETCH FIRST ? ROWS ONLY)")) {
      ps.setLong(1, finishedBefore);
      ps.setInt(2, max);
      int n = ps.executeUpdate();
      c.commit();
      succeeded();
      return n;
    } catch (SQLException e) {
      throw failure("delete the tasks finished before their retention", e);
    }
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
