package dev.gale.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.FunctionDefinition;
import dev.gale.api.Json;
import dev.gale.client.FunctionRequest;
import dev.gale.client.GaleClient;
import dev.gale.client.GaleClientException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gale functions register|list|get|delete}. */
@Command(
    name = "functions",
    mixinStandardHelpOptions = true,
    description = "Register, list, read and delete functions.",
    subcommands = {
      FunctionsCommand.Register.class,
      FunctionsCommand.ListFunctions.class,
      FunctionsCommand.Get.class,
      FunctionsCommand.Delete.class
    })
public final class FunctionsCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required: register, list, get or delete");
  }

  /**
   * The function a reference names: an id ({@code fn-…}) as is, otherwise the newest visible
   * function with that name.
   */
  static String resolve(GaleClient client, String ref) {
    if (ref.startsWith("fn-")) {
      return ref;
    }
    FunctionDefinition found = null;
    for (FunctionDefinition f : client.listFunctions()) {
      if (ref.equals(f.name())
          && (found == null
              || f.createdAt() != null
                  && found.createdAt() != null
                  && f.createdAt().isAfter(found.createdAt()))) {
        found = f;
      }
    }
    if (found == null) {
      throw new GaleClientException(
          404, "not_found", "no function with id or name '" + ref + "'", null);
    }
    return found.id();
  }

  @Command(name = "register", mixinStandardHelpOptions = true, description = "Register a function.")
  static final class Register extends ClientCommand {
    @Option(names = "--name", required = true, description = "a human name")
    String name;

    @Option(names = "--kind", required = true, description = "shell, python or java")
    String kind;

    @Option(
        names = "--spec",
        required = true,
        paramLabel = "JSON|@FILE",
        description = "kind-specific definition, inline or @file")
    String spec;

    @Option(names = "--pool", description = "pool its tasks run in (service default: default)")
    String pool;

    @Option(names = "--retries", description = "re-runs after a failure or lost worker")
    Integer retries;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "bound on one attempt")
    Integer timeout;

    @Option(names = "--public", description = "other tenants may see and invoke it")
    boolean isPublic;

    @Option(names = "--cache", description = "identical invocations may reuse a stored result")
    boolean cache;

    @Option(names = "--resources", paramLabel = "JSON", description = "resource hints")
    String resources;

    @Override
    public Integer call() {
      FunctionRequest.Builder b = FunctionRequest.builder(name, kind, json("--spec", spec));
      if (pool != null) {
        b.pool(pool);
      }
      if (retries != null) {
        b.retries(retries);
      }
      if (timeout != null) {
        b.timeoutSeconds(timeout);
      }
      if (isPublic) {
        b.isPublic(true);
      }
      if (cache) {
        b.cache(true);
      }
      if (resources != null) {
        b.resources(json("--resources", resources));
      }
      print(client().registerFunction(b.build()));
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List visible functions.")
  static final class ListFunctions extends ClientCommand {
    @Override
    public Integer call() {
      print(client().listFunctions());
      return 0;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a function.")
  static final class Get extends ClientCommand {
    @Parameters(paramLabel = "FUNCTION", description = "id or name")
    String ref;

    @Override
    public Integer call() {
      GaleClient c = client();
      print(c.getFunction(resolve(c, ref)));
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a function.")
  static final class Delete extends ClientCommand {
    @Parameters(paramLabel = "FUNCTION", description = "id or name")
    String ref;

    @Override
    public Integer call() {
      GaleClient c = client();
      String id = resolve(c, ref);
      c.deleteFunction(id);
      JsonNode out = Json.object().put("id", id).put("deleted", true);
      print(out);
      return 0;
    }
  }
}
