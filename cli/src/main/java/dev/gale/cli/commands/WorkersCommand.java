package dev.gale.cli.commands;

import dev.gale.cli.Main;
import picocli.CommandLine.Command;

/** {@code gale workers}. */
@Command(
    name = "workers",
    mixinStandardHelpOptions = true,
    description = "Show connected workers with their slots and load.")
public final class WorkersCommand extends ClientCommand {
  @Override
  public Integer call() {
    print(client().workers());
    return Main.OK;
  }
}
