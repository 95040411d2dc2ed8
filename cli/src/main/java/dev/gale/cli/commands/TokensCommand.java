package dev.gale.cli.commands;

import dev.gale.api.Role;
import dev.gale.cli.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code gale tokens create}. */
@Command(
    name = "tokens",
    mixinStandardHelpOptions = true,
    description = "Mint tokens (admin only).",
    subcommands = TokensCommand.Create.class)
public final class TokensCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required: create");
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Mint a token; the secret is printed only this once.")
  static final class Create extends ClientCommand {
    @Option(names = "--tenant", required = true, description = "the tenant it acts for")
    String tenant;

    @Option(names = "--role", required = true, description = "user, worker or admin")
    String role;

    @Option(names = "--pool", description = "for a worker token: the only pool it may serve")
    String pool;

    @Override
    public Integer call() {
      Role r;
      try {
        r = Role.fromWire(role.toLowerCase(java.util.Locale.ROOT));
      } catch (RuntimeException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      print(client().createToken(tenant, r, pool));
      return Main.OK;
    }
  }
}
