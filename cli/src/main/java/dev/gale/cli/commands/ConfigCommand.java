package dev.gale.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import dev.gale.cli.Main;
import dev.gale.cli.config.Config;
import dev.gale.cli.config.ConfigKey;
import dev.gale.transfer.TransferSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code gale config}: every known key ({@link ConfigKey} and the transfer module's {@link
 * TransferSettings#KEYS}) with its value, origin, environment variable, default and description.
 * Credentials show as {@code (set)}.
 */
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
      e.put("default", k.defaultValue());
      e.put("description", k.description());
    }
    // the transfer module's keys are listed in one place, TransferSettings.KEYS
    for (TransferSettings.Key k : TransferSettings.KEYS) {
      Config.Value v = config.lookupTransfer(k.key());
      ObjectNode e = out.putObject(k.key());
      e.put("value", k.isSecret() && v.value() != null ? "(set)" : v.value());
      e.put("source", v.source().name().toLowerCase(java.util.Locale.ROOT));
      e.put("env", k.envVar());
      e.put("default", k.defaultValue().isEmpty() ? null : k.defaultValue());
      e.put("description", k.description());
    }
    spec.commandLine()
        .getOut()
        .println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
    return Main.OK;
  }
}
