package dev.gale.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import dev.gale.cli.Main;
import dev.gale.cli.config.Config;
import dev.gale.cli.config.ConfigKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gale config}: every known key with its value, origin and environment variable. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = {
      "Show the configuration keys with their effective values (below flags).",
      "Precedence: flag > environment > config file > default."
    })
public final class ConfigCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Config config = Main.of(spec).config();
    ObjectNode out = Json.object();
    for (ConfigKey k : ConfigKey.values()) {
      Config.Value v = config.lookup(k);
      ObjectNode e = out.putObject(k.key());
      String value = v.value();
      if (k == ConfigKey.CLIENT_TOKEN && value != null) {
        value = "(set)";
      }
      e.put("value", value);
      e.put("source", v.source().name().toLowerCase(java.util.Locale.ROOT));
      e.put("env", k.envVar() + (k.envAlias() == null ? "" : " or " + k.envAlias()));
      e.put("description", k.description());
    }
    spec.commandLine()
        .getOut()
        .println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
    return Main.OK;
  }
}
