package dev.gale.scheduler.store;

import dev.gale.api.InvalidRequestException;
import java.util.Locale;

/** Where a scheduler member keeps its durable state. */
public enum StoreKind {
  /** Nothing is persisted: a full restart starts empty (tests, throw-away clusters). */
  NONE,
  /** An H2 database in files under a directory; several local processes may share it. */
  EMBEDDED,
  /** A PostgreSQL database reached by a JDBC URL. */
  POSTGRESQL;

  /** The lower-case name used in configuration ({@code none}, {@code embedded}, ...). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a configuration value.
   *
   * @throws InvalidRequestException for an unknown name, listing the known ones
   */
  public static StoreKind fromWire(String s) {
    for (StoreKind k : values()) {
      if (k.wireName().equals(s)) {
        return k;
      }
    }
    throw new InvalidRequestException(
        "unknown store kind '" + s + "' (known: none, embedded, postgresql)");
  }
}
