package dev.gale.cli.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where this installation's {@code gale} launcher script is, for the node agents of batch blocks
 * ({@code options.galeCommand} overrides it per pool): {@code $GALE_LAUNCHER}, which the script
 * sets for the JVM it starts; else the script next to the jar's {@code cli/target} directory, as in
 * the repository and the image ({@code /opt/gale/gale}); else plain {@code gale}, found on the
 * compute nodes' {@code PATH}.
 */
final class GaleLauncher {
  static final String ENV = "GALE_LAUNCHER";

  private GaleLauncher() {}

  static String path(Map<String, String> env) {
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    try {
      Path jar =
          Path.of(GaleLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // <root>/cli/target/gale-cli-VERSION.jar (or <root>/cli/target/classes)
      Path root = jar.toAbsolutePath().getParent().getParent().getParent();
      Path script = root.resolve("gale");
      if (Files.isRegularFile(script) && Files.isExecutable(script)) {
        return script.toString();
      }
    } catch (Exception e) {
      // no code source on the file system: fall through
    }
    return "gale";
  }
}
