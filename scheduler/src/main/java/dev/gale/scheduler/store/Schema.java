package dev.gale.scheduler.store;

import java.util.ArrayList;
import java.util.List;

/**
 * The database schema as numbered migrations. The {@code gale_schema} table holds the version a
 * database is at; opening a store applies the missing migrations in order and refuses a database
 * newer than this code. Every statement is idempotent ({@code IF NOT EXISTS}), so two processes
 * migrating the same fresh database at once do no harm.
 *
 * <ol>
 *   <li>the tables of functions, deleted functions, artifacts, tokens, pools and tasks;
 *   <li>the table of transfer records ({@code gale_transfers});
 *   <li>no index on the tasks' {@code state}: every task write paid for it, and only the load at
 *       start used it, which now finds unfinished tasks through {@code gale_tasks_finished_at}
 *       ({@code finished_at = 0} while a task has not finished, see {@link JdbcStore#upsert});
 *   <li>the tasks' {@code tenant}, {@code function_id} and {@code created_at} columns with an index
 *       on {@code (tenant, created_at)}: finished tasks leave the cluster's memory and are listed
 *       from the table. Rows written before are filled in when a store opens ({@link
 *       JdbcStore#fillTaskColumns}).
 * </ol>
 *
 * A migration creates the tables of the {@link StoredMap}s whose {@link StoredMap#sinceSchema()} is
 * its version.
 */
final class Schema {
  /** The version this code writes and reads. */
  static final int LATEST = 4;

  private Schema() {}

  /** The statements that bring a database from {@code version - 1} to {@code version}. */
  static List<String> migration(int version, SqlDialect dialect) {
    if (version < 1 || version > LATEST) {
      throw new IllegalArgumentException("no migration to schema version " + version);
    }
    List<String> sql = new ArrayList<>();
    if (version == 3) {
      sql.add("DROP INDEX IF EXISTS gale_tasks_state");
    }
    if (version == 4) {
      String tasks = StoredMap.TASKS.table();
      sql.add("ALTER TABLE " + tasks + " ADD COLUMN IF NOT EXISTS tenant VARCHAR(512)");
      sql.add("ALTER TABLE " + tasks + " ADD COLUMN IF NOT EXISTS function_id VARCHAR(512)");
      sql.add("ALTER TABLE " + tasks + " ADD COLUMN IF NOT EXISTS created_at BIGINT");
      sql.add(
          "CREATE INDEX IF NOT EXISTS gale_tasks_listing ON " + tasks + " (tenant, created_at)");
    }
    for (StoredMap m : StoredMap.values()) {
      if (m.sinceSchema() != version) {
        continue;
      }
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
