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
  TASKS("gale.tasks", "gale_tasks", false),
  /**
   * Site-to-site transfer records ({@code /v1/transfers}, JSON text); since schema version 2. See
   * {@link TransferRecordCodec} for what a restart does to unfinished ones.
   */
  TRANSFERS("gale.transfers", "gale_transfers", false, 2);

  private final String mapName;
  private final String table;
  private final boolean largeValues;
  private final int sinceSchema;

  StoredMap(String mapName, String table, boolean largeValues) {
    this(mapName, table, largeValues, 1);
  }

  StoredMap(String mapName, String table, boolean largeValues, int sinceSchema) {
    this.mapName = mapName;
    this.table = table;
    this.largeValues = largeValues;
    this.sinceSchema = sinceSchema;
  }

  /** The schema version ({@link Schema}) whose migration creates this map's table. */
  int sinceSchema() {
    return sinceSchema;
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
