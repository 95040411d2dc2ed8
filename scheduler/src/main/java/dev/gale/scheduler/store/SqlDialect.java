package dev.gale.scheduler.store;

import java.util.List;
import java.util.stream.Collectors;

/** The few places where H2 and PostgreSQL SQL differ: byte column types and upserts. */
enum SqlDialect {
  H2("VARBINARY", "BLOB") {
    @Override
    String upsert(String table, List<String> columns) {
      return "MERGE INTO "
          + table
          + " ("
          + String.join(", ", columns)
          + ") KEY (id) VALUES ("
          + placeholders(columns.size())
          + ")";
    }
  },
  POSTGRESQL("BYTEA", "BYTEA") {
    @Override
    String upsert(String table, List<String> columns) {
      return "INSERT INTO "
          + table
          + " ("
          + String.join(", ", columns)
          + ") VALUES ("
          + placeholders(columns.size())
          + ") ON CONFLICT (id) DO UPDATE SET "
          + columns.stream()
              .filter(c -> !c.equals("id"))
              .map(c -> c + " = EXCLUDED." + c)
              .collect(Collectors.joining(", "));
    }
  };

  private final String bytesType;
  private final String largeBytesType;

  SqlDialect(String bytesType, String largeBytesType) {
    this.bytesType = bytesType;
    this.largeBytesType = largeBytesType;
  }

  /** The dialect of a JDBC URL. */
  static SqlDialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:h2:")) {
      return H2;
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException(
        "no SQL dialect for "
            + StoreOptions.redact(jdbcUrl)
            + " (known: jdbc:h2:, jdbc:postgresql:)");
  }

  /** Column type for values of a map. */
  String bytesType(boolean large) {
    return large ? largeBytesType : bytesType;
  }

  /** An insert-or-replace of one row keyed by {@code id}, with a placeholder per column. */
  abstract String upsert(String table, List<String> columns);

  static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }
}
