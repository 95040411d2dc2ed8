package dev.gale.scheduler.store;

import java.util.ArrayList;
import java.util.List;

/**
 * The database schema as numbered migrations. The {@code gale_schema} table holds the version a
 * database is at; opening a store applies the missing migrations in order and refuses a database
 * newer than this code. Every statement is idempotent ({@code IF NOT EXISTS}), so two processes
 * migrating the same fresh database at once do no harm.
 */
final class Schema {
  /** The version this code writes and reads. */
  static final int LATEST = 1;

  private Schema() {}

  /** The statements that bring a database from {@code version - 1} to {@code version}. */
  static List<String> migration(int version, SqlDialect dialect) {
    if (version != 1) {
      throw new IllegalArgumentException("no migration to schema version " + version);
    }
    List<String> sql = new ArrayList<>();
    for (StoredMap m : StoredMap.values()) {
      String body = dialect.bytesType(m.largeValues());
      if (m.isTasks()) {
        sql.add(
            "CREATE TABLE IF NOT EXISTS "
                + m.table()
                + " (id VARCHAR(512) PRIMARY KEY, state VARCHAR(32) NOT NULL,"
                + " finished_at BIGINT NOT NULL, body "
                + body
                + " NOT NULL, updated_at BIGINT NOT NULL)");
        sql.add("CREATE INDEX IF NOT EXISTS gale_tasks_state ON " + m.table() + " (state)");
        sql.add(
            "CREATE INDEX IF NOT EXISTS gale_tasks_finished_at ON " + m.table() + " (finished_at)");
      } else {
        sql.add(
            "CREATE TABLE IF NOT EXISTS "
                + m.table()
                + " (id VARCHAR(512) PRIMARY KEY, body "
                + body
                + " NOT NULL, updated_at BIGINT NOT NULL)");
      }
    }
    return sql;
  }
}
