package dev.gale.cli.config;

import dev.gale.gateway.GatewayOptions;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Every configuration key Gale's command line knows: the one table of names, types, defaults and
 * environment variables. A key {@code gale.<module>.<key>} is read from the environment variable
 * {@code GALE_<MODULE>_<KEY>} (upper case, dots and dashes as underscores), from a properties file
 * given with {@code --config}, or from a command-line flag bound to it; see {@link Config}.
 */
public enum ConfigKey {
  HOME("gale.home", Type.PATH, () -> "~/.gale", "state directory: admin token, logs, work dirs"),

  CLIENT_URL(
      "gale.client.url",
      Type.URL,
      () -> "http://127.0.0.1:8080",
      "address of the Gale service for client commands",
      "GALE_URL"),
  CLIENT_TOKEN(
      "gale.client.token",
      Type.STRING,
      () -> null,
      "bearer token for client commands (else the token file)",
      "GALE_TOKEN"),
  CLIENT_TOKEN_FILE(
      "gale.client.token-file", Type.PATH, () -> null, "token file; default $GALE_HOME/token"),

  STORE_KIND(
      "gale.store.kind",
      Type.STRING,
      () -> "embedded",
      "durable store of a scheduler member: embedded, postgresql or none"),
  STORE_PATH(
      "gale.store.path",
      Type.PATH,
      () -> null,
      "embedded database directory; default $GALE_HOME/db"),
  STORE_URL(
      "gale.store.url", Type.STRING, () -> null, "PostgreSQL JDBC URL (jdbc:postgresql://host/db)"),
  STORE_USER("gale.store.user", Type.STRING, () -> null, "PostgreSQL user"),
  STORE_PASSWORD(
      "gale.store.password",
      Type.STRING,
      () -> null,
      "PostgreSQL password (environment or config file only, never a flag)"),
  STORE_FINISHED_IN_MEMORY_SECONDS(
      "gale.store.finished-in-memory-seconds",
      Type.INT,
      () -> "60",
      "how long a finished task stays in the scheduler's memory; then it is read from the database"),
  STORE_RETENTION_HOURS(
      "gale.store.retention-hours",
      Type.INT,
      () -> "168",
      "how long finished tasks and their results are kept (then deleted; reads answer 404)"),

  GATEWAY_HOST("gale.gateway.host", Type.STRING, () -> "127.0.0.1", "address the gateway binds to"),
  GATEWAY_PORT("gale.gateway.port", Type.INT, () -> "8080", "HTTP port of the gateway (0 = any)"),
  GATEWAY_SCHEDULER(
      "gale.gateway.scheduler",
      Type.LIST,
      () -> "127.0.0.1:5701",
      "scheduler members a separate gateway connects to (host:port,...)"),
  GATEWAY_ADMIN_TOKEN(
      "gale.gateway.admin-token",
      Type.STRING,
      () -> null,
      "an admin token (gale_...) the gateway registers at start, e.g. from a Kubernetes Secret"),
  GATEWAY_MAX_BODY_BYTES(
      "gale.gateway.max-body-bytes",
      Type.LONG,
      () -> Long.toString(gatewayDefaults().maxBodyBytes()),
      "largest JSON request body"),
  GATEWAY_MAX_ARTIFACT_BYTES(
      "gale.gateway.max-artifact-bytes",
      Type.LONG,
      () -> Long.toString(gatewayDefaults().maxArtifactBytes()),
      "largest uploaded JAR"),
  GATEWAY_MAX_ARGS_BYTES(
      "gale.gateway.max-args-bytes",
      Type.INT,
      () -> Integer.toString(gatewayDefaults().maxArgsBytes()),
      "largest args of one task"),
  GATEWAY_MAX_RESULT_BYTES(
      "gale.gateway.max-result-bytes",
      Type.INT,
      () -> Integer.toString(gatewayDefaults().maxResultBytes()),
      "largest task result"),
  GATEWAY_MAX_OUTPUT_BYTES(
      "gale.gateway.max-output-bytes",
      Type.INT,
      () -> Integer.toString(gatewayDefaults().maxOutputBytes()),
      "stdout/stderr a shell task keeps, per stream"),
  GATEWAY_MAX_WAIT_SECONDS(
      "gale.gateway.max-wait-seconds",
      Type.INT,
      () -> Integer.toString(gatewayDefaults().maxWaitSeconds()),
      "cap on long-poll waits"),
  GATEWAY_HEARTBEAT_SECONDS(
      "gale.gateway.heartbeat-seconds",
      Type.INT,
      () -> Integer.toString(gatewayDefaults().heartbeatSeconds()),
      "worker heartbeat period"),
  GATEWAY_MAX_BATCH_SIZE(
      "gale.gateway.max-batch-size",
      Type.INT,
      () -> Integer.toString(gatewayDefaults().maxBatchSize()),
      "most tasks per batch submission"),

  SCHEDULER_HOST(
      "gale.scheduler.host", Type.STRING, () -> "127.0.0.1", "address a scheduler member binds to"),
  SCHEDULER_PORT("gale.scheduler.port", Type.INT, () -> "5701", "port of a scheduler member"),
  SCHEDULER_MEMBERS(
      "gale.scheduler.members",
      Type.LIST,
      () -> "",
      "other scheduler members to join (host:port,...); empty for a lone member"),
  SCHEDULER_CLUSTER_NAME(
      "gale.scheduler.cluster-name", Type.STRING, () -> "gale", "Hazelcast cluster name"),
  SCHEDULER_MAX_QUEUED_PER_POOL(
      "gale.scheduler.max-queued-per-pool",
      Type.LONG,
      () -> "1000000",
      "queued tasks per pool before back-pressure"),
  SCHEDULER_KUBERNETES_SERVICE_DNS(
      "gale.scheduler.kubernetes-service-dns",
      Type.STRING,
      () -> null,
      "headless service whose DNS names the members (Kubernetes discovery instead of a list)"),
  SCHEDULER_BACKUP_COUNT(
      "gale.scheduler.backup-count", Type.INT, () -> "1", "synchronous backups per partition"),

  UP_WORKERS("gale.up.workers", Type.INT, () -> "2", "node agents the embedded default starts"),
  UP_SCHEDULER_PORT(
      "gale.up.scheduler-port",
      Type.INT,
      () -> "0",
      "port of the embedded scheduler member (0 = any)"),
  UP_READY_TIMEOUT_SECONDS(
      "gale.up.ready-timeout-seconds",
      Type.INT,
      () -> "60",
      "how long 'up' waits for its workers to connect"),
  UP_DRAIN_SECONDS(
      "gale.up.drain-seconds", Type.INT, () -> "10", "how long shutdown lets workers finish tasks"),
  UP_WORKER_JVM_OPTIONS(
      "gale.up.worker-jvm-options",
      Type.STRING,
      () -> "",
      "extra JVM options for worker processes (space-separated)"),

  SCALER_SCHEDULER(
      "gale.scaler.scheduler",
      Type.LIST,
      () -> "127.0.0.1:5701",
      "scheduler members a separate scaler connects to (host:port,...)"),
  SCALER_GATEWAY_URL(
      "gale.scaler.gateway-url",
      Type.URL,
      () -> "http://127.0.0.1:8080",
      "gateway URL the workers of scaled pools dial (must be reachable from where blocks run)"),
  SCALER_POOLS_FILE(
      "gale.scaler.pools-file",
      Type.PATH,
      () -> null,
      "JSON {\"pools\": {NAME: settings}} applied at start to pools that do not exist yet"),
  SCALER_SCALE_IN_ON_EXIT(
      "gale.scaler.scale-in-on-exit",
      Type.BOOLEAN,
      () -> "false",
      "stop every block when the scaler stops (else they run on for the next scaler to adopt)"),
  SCALER_WORK_DIR(
      "gale.scaler.work-dir",
      Type.PATH,
      () -> null,
      "providers' work directory: local block logs, batch job scripts (default: gale.home)"),
  SCALER_LEASE_TTL_SECONDS(
      "gale.scaler.lease-ttl-seconds",
      Type.INT,
      () -> "15",
      "time to live of a pool's scaler lease: another scaler takes a pool over this long after"
          + " its scaler died"),
  SCALER_POLL_MILLIS(
      "gale.scaler.poll-millis",
      Type.INT,
      () -> "2000",
      "how often a scaler reads the pools' settings and renews its leases"),
  SCALER_TICK_MILLIS(
      "gale.scaler.tick-millis",
      Type.INT,
      () -> "1000",
      "delay between two decisions of a pool's scaler loop"),

  RUNTIME_URL(
      "gale.runtime.url", Type.URL, () -> "http://127.0.0.1:8080", "gateway a worker connects to"),
  RUNTIME_FALLBACK_URLS(
      "gale.runtime.fallback-urls",
      Type.LIST,
      () -> "",
      "other gateways a worker tries when its gateway is unreachable (url,...)"),
  RUNTIME_POOL("gale.runtime.pool", Type.STRING, () -> "default", "pool a worker serves"),
  RUNTIME_SLOTS(
      "gale.runtime.slots",
      Type.INT,
      () -> Integer.toString(Runtime.getRuntime().availableProcessors()),
      "tasks a worker runs at once (default: CPUs)"),
  RUNTIME_PREFETCH(
      "gale.runtime.prefetch",
      Type.INT,
      () -> null,
      "tasks a worker holds beyond its slots (default: 16 per slot; also read by the workers of up)"),
  RUNTIME_NODE(
      "gale.runtime.node",
      Type.STRING,
      () -> null,
      "node name a worker reports (default: host name)"),
  RUNTIME_WORK_DIR(
      "gale.runtime.work-dir",
      Type.PATH,
      () -> null,
      "a worker's work directory (default: a temporary one, deleted at exit)"),
  RUNTIME_PYTHON(
      "gale.runtime.python", Type.STRING, () -> "python3", "python interpreter for python tasks"),
  RUNTIME_DRAIN_SECONDS(
      "gale.runtime.drain-seconds",
      Type.INT,
      () -> "30",
      "how long a stopping worker lets running tasks finish"),
  RUNTIME_TOKEN_FILE(
      "gale.runtime.token-file",
      Type.PATH,
      () -> null,
      "file holding the worker token (else $GALE_WORKER_TOKEN)");

  /** How a value is checked. */
  public enum Type {
    STRING,
    INT,
    LONG,
    BOOLEAN,
    PATH,
    URL,
    /** Comma-separated. */
    LIST
  }

  private final String key;
  private final Type type;
  private final Supplier<String> defaultValue;
  private final String description;
  private final String alias;

  ConfigKey(String key, Type type, Supplier<String> defaultValue, String description) {
    this(key, type, defaultValue, description, null);
  }

  ConfigKey(
      String key, Type type, Supplier<String> defaultValue, String description, String alias) {
    this.key = key;
    this.type = type;
    this.defaultValue = defaultValue;
    this.description = description;
    this.alias = alias;
  }

  /** The key as written in a config file, e.g. {@code gale.gateway.port}. */
  public String key() {
    return key;
  }

  public Type type() {
    return type;
  }

  /** The built-in default, or null when there is none. */
  public String defaultValue() {
    return defaultValue.get();
  }

  public String description() {
    return description;
  }

  /** The environment variable, e.g. {@code GALE_GATEWAY_PORT}. */
  public String envVar() {
    return "GALE_"
        + key.substring("gale.".length())
            .replace('.', '_')
            .replace('-', '_')
            .toUpperCase(Locale.ROOT);
  }

  /** A second, shorter environment variable read after {@link #envVar()}, or null. */
  public String envAlias() {
    return alias;
  }

  /** The key with this name, or null. */
  public static ConfigKey byKey(String key) {
    for (ConfigKey k : values()) {
      if (k.key.equals(key)) {
        return k;
      }
    }
    return null;
  }

  private static GatewayOptions gatewayDefaults() {
    return GatewayOptions.builder().build();
  }
}
