package dev.gale.scheduler.store;

/**
 * The Hazelcast maps that are persisted, each with its table. Everything else (workers, ready
 * queues, queue levels) is rebuilt after a restart or expires on its own.
 */
public enum StoredMap {
  FUNCTIONS("gale.functions", "gale_functions", false),
  DELETED_FUNCTIONS("gale.functions.deleted", "gale_functions_deleted", false),
  ARTIFACTS("gale.artifacts", "gale_artifacts", true),
  TOKENS("gale.tokens", "gale_tokens", false),
  POOLS("gale.pools", "gale_pools", false),
  /** Task records; the table also has indexed {@code state} and {@code finished_at} columns. */
  TASKS("gale.tasks", "gale_tasks", false);

  private final String mapName;
  private final String table;
  private final boolean largeValues;

  StoredMap(String mapName, String table, boolean largeValues) {
    this.mapName = mapName;
    this.table = table;
    this.largeValues = largeValues;
  }

  /** The Hazelcast map's name. */
  public String mapName() {
    return mapName;
  }

  /** The table's name. */
  public String table() {
    return table;
  }

  /** Whether values may be many megabytes (JARs), which some databases store apart. */
  boolean largeValues() {
    return largeValues;
  }

  /** Whether this is the task map. */
  public boolean isTasks() {
    return this == TASKS;
  }
}
