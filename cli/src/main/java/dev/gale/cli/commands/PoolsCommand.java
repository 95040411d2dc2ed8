package dev.gale.cli.commands;

import dev.gale.cli.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code gale pools [NAME]}. */
@Command(
    name = "pools",
    mixinStandardHelpOptions = true,
    description = "Show pools: provider, settings, workers, queue depth.")
public final class PoolsCommand extends ClientCommand {
  @Parameters(paramLabel = "NAME", arity = "0..1", description = "one pool (default: all)")
  String name;

  @Override
  public Integer call() {
    print(name == null ? client().pools() : client().pool(name));
    return Main.OK;
  }
}
