package dev.gale.scheduler.testing;

import dev.gale.scheduler.store.StoreKind;
import dev.gale.scheduler.store.StoreOptions;
import java.nio.file.Path;

/**
 * Fresh, empty databases of each store kind for tests: an embedded one in a new directory under
 * {@code tmp}, or a new database on one PostgreSQL server started on first use (the calling test is
 * skipped when PostgreSQL is not installed, outside CI; see {@link PostgresServer}). Closing stops
 * the server.
 */
public final class TestDatabases implements AutoCloseable {
  private final Path tmp;
  private PostgresServer pg;
  private int embedded;

  public TestDatabases(Path tmp) {
    this.tmp = tmp;
  }

  /** Options of a new, empty database of this kind, to adjust further. */
  public synchronized StoreOptions.Builder fresh(StoreKind kind) {
    return switch (kind) {
      case EMBEDDED -> StoreOptions.builder().kind(kind).path(tmp.resolve("db" + (++embedded)));
      case POSTGRESQL ->
          StoreOptions.builder()
              .kind(kind)
              .jdbcUrl(postgres().newDatabase())
              .user(postgres().user());
      case NONE -> throw new IllegalArgumentException("no database for kind none");
    };
  }

  /** The PostgreSQL server, started on first use. */
  public synchronized PostgresServer postgres() {
    if (pg == null) {
      pg = PostgresServer.startOrSkip();
    }
    return pg;
  }

  @Override
  public synchronized void close() {
    if (pg != null) {
      pg.close();
    }
  }
}
