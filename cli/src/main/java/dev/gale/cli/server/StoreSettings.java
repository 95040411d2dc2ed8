package dev.gale.cli.server;

import dev.gale.cli.config.Config;
import dev.gale.cli.config.ConfigKey;
import dev.gale.cli.config.Setting;
import dev.gale.scheduler.store.StoreKind;
import dev.gale.scheduler.store.StoreOptions;
import java.nio.file.Path;
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
    return switch (k) {
      case NONE -> StoreOptions.none();
      case EMBEDDED -> StoreOptions.embedded(path != null ? path : home.resolve("db"));
      case POSTGRESQL -> {
        if (url == null || url.isBlank()) {
          throw new IllegalArgumentException(
              "--store postgresql needs --store-url (or GALE_STORE_URL)");
        }
        yield StoreOptions.postgresql(url.trim(), user, config.get(ConfigKey.STORE_PASSWORD));
      }
    };
  }
}
