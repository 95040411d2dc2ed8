package dev.gale.cli.server;

import dev.gale.cli.config.Config;
import dev.gale.cli.config.ConfigKey;
import dev.gale.cli.config.Setting;
import dev.gale.scheduler.store.StoreKind;
import dev.gale.scheduler.store.StoreOptions;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Where a scheduler member keeps durable state, as options shared by {@code up} and {@code
 * scheduler}. The password is read only from the environment or a config file, never a flag, so it
 * stays out of the process list.
 */
public final class StoreSettings {
  @Setting(ConfigKey.STORE_KIND)
  @Option(
      names = "--store",
      paramLabel = "KIND",
      description = "embedded, postgresql or none (default: ${DEFAULT-VALUE})")
  String kind;

  @Setting(ConfigKey.STORE_PATH)
  @Option(
      names = "--store-path",
      paramLabel = "DIR",
      description = "directory of the embedded database (default: $GALE_HOME/db)")
  Path path;

  @Setting(ConfigKey.STORE_URL)
  @Option(
      names = "--store-url",
      paramLabel = "JDBC_URL",
      description = "PostgreSQL JDBC URL, e.g. jdbc:postgresql://db:5432/gale")
  String url;

  @Setting(ConfigKey.STORE_USER)
  @Option(names = "--store-user", paramLabel = "USER", description = "PostgreSQL user")
  String user;

  @Setting(ConfigKey.STORE_FINISHED_IN_MEMORY_SECONDS)
  @Option(
      names = "--finished-in-memory-seconds",
      paramLabel = "N",
      description =
          "how long a finished task stays in memory before it is read from the database"
              + " (default: ${DEFAULT-VALUE})")
  int finishedInMemorySeconds;

  @Setting(ConfigKey.STORE_RETENTION_HOURS)
  @Option(
      names = "--retention-hours",
      paramLabel = "N",
      description = "how long finished tasks are kept (default: ${DEFAULT-VALUE})")
  int retentionHours;

  /**
   * The store these settings describe.
   *
   * @param home the Gale home, under which the embedded database lives by default
   * @throws IllegalArgumentException naming what is missing or wrong
   */
  StoreOptions toOptions(Path home, Config config) {
    StoreKind k;
    try {
      k = StoreKind.fromWire(kind == null ? "embedded" : kind.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "--store must be embedded, postgresql or none, got " + kind);
    }
    if (retentionHours < 1) {
      throw new IllegalArgumentException(
          "--retention-hours (gale.store.retention-hours) must be at least 1, got "
              + retentionHours);
    }
    if (finishedInMemorySeconds < 1 || finishedInMemorySeconds > retentionHours * 3600L) {
      throw new IllegalArgumentException(
          "--finished-in-memory-seconds (gale.store.finished-in-memory-seconds) must be between 1"
              + " and the retention in seconds ("
              + retentionHours * 3600L
              + "), got "
              + finishedInMemorySeconds);
    }
    StoreOptions.Builder b =
        StoreOptions.builder()
            .kind(k)
            .finishedInMemory(Duration.ofSeconds(finishedInMemorySeconds))
            .retention(Duration.ofHours(retentionHours));
    return switch (k) {
      case NONE -> b.build();
      case EMBEDDED -> b.path(path != null ? path : home.resolve("db")).build();
      case POSTGRESQL -> {
        if (url == null || url.isBlank()) {
          throw new IllegalArgumentException(
              "--store postgresql needs --store-url (or GALE_STORE_URL)");
        }
        yield b.jdbcUrl(url.trim())
            .user(user)
            .password(config.get(ConfigKey.STORE_PASSWORD))
            .build();
      }
    };
  }
}
