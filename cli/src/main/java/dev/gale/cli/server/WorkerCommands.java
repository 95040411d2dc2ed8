package dev.gale.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.service.BlockCommandFactory;
import dev.gale.scaler.service.PoolSpec;
import dev.gale.transfer.TransferSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The node agent each block runs, per provider, with the gateway URL the workers dial and a worker
 * token scoped to the pool (minted once per pool by this scaler, passed in the environment only):
 *
 * <ul>
 *   <li>{@code local}: this JVM's java and class path running {@code Main worker} (see {@link
 *       WorkerLauncher}), with {@code --parent-pid} when the blocks must die with this process
 *       ({@code gale up});
 *   <li>{@code kubernetes}: the image's entrypoint (the {@code gale} launcher) with the arguments
 *       {@code worker --url ... --pool {pool} --slots {slots} --worker-id {block}};
 *   <li>{@code slurm}, {@code pbs} and any other provider: {@code <galeCommand> worker --url ...
 *       --pool {pool} --slots {slots} --worker-id {block}}, where {@code options.galeCommand} is
 *       the launcher's path on the compute nodes (default: this installation's, see {@link
 *       GaleLauncher}), with {@code GALE_NO_BUILD=1} (a compute node never builds). With more than
 *       one node per block every node's agent gets the id {@code <block>@<rank>} ({@code
 *       SLURM_PROCID}, {@code PBS_VNODENUM}) through a small {@code /bin/sh -c} wrapper.
 * </ul>
 */
final class WorkerCommands implements BlockCommandFactory {
  static final String TOKEN_ENV = WorkerCommand.TOKEN_ENV;
  private static final String MULTI_NODE_WRAPPER =
      "exec \"$0\" \"$@\" --worker-id \"${GALE_BLOCK}@${SLURM_PROCID:-${PBS_VNODENUM:-0}}\"";

  private final String gatewayUrl;
  private final String launcher;
  private final String localJvmOptions;
  private final List<String> localExtraArgs;
  private final Function<String, String> mintToken;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();

  /**
   * @param gatewayUrl what the workers dial
   * @param launcher the default {@code galeCommand}
   * @param localJvmOptions extra JVM options of local workers (may be blank)
   * @param localExtraArgs more {@code worker} arguments of local workers ({@code --parent-pid},
   *     {@code --drain-seconds})
   * @param mintToken mints a worker token for a pool (called once per pool)
   */
  WorkerCommands(
      String gatewayUrl,
      String launcher,
      String localJvmOptions,
      List<String> localExtraArgs,
      Function<String, String> mintToken) {
    this.gatewayUrl = gatewayUrl;
    this.launcher = launcher;
    this.localJvmOptions = localJvmOptions;
    this.localExtraArgs = List.copyOf(localExtraArgs);
    this.mintToken = mintToken;
  }

  @Override
  public BlockCommand command(PoolSpec spec) {
    String gale = check(spec);
    String token = tokens.computeIfAbsent(spec.name(), mintToken);
    List<String> agentArgs = new ArrayList<>(List.of("--url", gatewayUrl, "--pool", "{pool}"));
    agentArgs.addAll(List.of("--slots", "{slots}"));
    switch (spec.provider()) {
      case "local" -> {
        List<String> args = new ArrayList<>(agentArgs);
        args.addAll(List.of("--worker-id", "{block}"));
        args.addAll(localExtraArgs);
        return new BlockCommand(
            WorkerLauncher.command(localJvmOptions, args),
            env(spec, TOKEN_ENV, token),
            List.of("--standby"));
      }
      case "kubernetes" -> {
        List<String> argv = new ArrayList<>(List.of("worker"));
        argv.addAll(agentArgs);
        argv.addAll(List.of("--worker-id", "{block}"));
        return new BlockCommand(argv, env(spec, TOKEN_ENV, token));
      }
      default -> {
        String program = gale != null ? gale : launcher;
        List<String> argv = new ArrayList<>();
        if (spec.settings().nodesPerBlock() > 1) {
          argv.addAll(List.of("/bin/sh", "-c", MULTI_NODE_WRAPPER, program, "worker"));
          argv.addAll(agentArgs);
        } else {
          argv.addAll(List.of(program, "worker"));
          argv.addAll(agentArgs);
          argv.addAll(List.of("--worker-id", "{block}"));
        }
        return new BlockCommand(
            argv, env(spec, TOKEN_ENV, token, "GALE_NO_BUILD", "1", "GALE_BLOCK", "{block}"));
      }
    }
  }

  /** The blocks' environment: the given pairs plus the pool's {@code options.transfer}. */
  private static Map<String, String> env(PoolSpec spec, String... pairs) {
    Map<String, String> env = new java.util.TreeMap<>(transferEnv(spec));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  /**
   * The {@code GALE_TRANSFER_*} variables of a pool's {@code options.transfer}: {@code
   * gale.transfer.*} settings by their short name ({@code {"s3.endpoint": "http://...",
   * "s3.path-style": true}}) that its workers stage data with. Credentials are refused: pool
   * settings are shown to every user, so workers get them from their environment or the default
   * credential chain (instance roles, service accounts).
   *
   * @throws InvalidRequestException for an unknown setting, a credential, or a bad value
   */
  static Map<String, String> transferEnv(PoolSpec spec) {
    com.fasterxml.jackson.databind.node.ObjectNode t = spec.assemblyObject("transfer");
    if (t == null) {
      return Map.of();
    }
    Map<String, String> env = new java.util.TreeMap<>();
    t.fields()
        .forEachRemaining(
            e -> {
              String field = "options.transfer." + e.getKey();
              TransferSettings.Key k;
              try {
                k = TransferSettings.keyOf("gale.transfer." + e.getKey());
              } catch (IllegalStateException unknown) {
                throw invalidOption(
                    field,
                    "unknown transfer setting "
                        + e.getKey()
                        + " (known: "
                        + String.join(
                            ", ",
                            TransferSettings.KEYS.stream()
                                .filter(x -> !x.isSecret())
                                .map(x -> x.key().substring("gale.transfer.".length()))
                                .sorted()
                                .toList())
                        + ")");
              }
              if (k.isSecret()) {
                throw invalidOption(
                    field,
                    field
                        + " is a credential: pool settings are visible to every user, so give it"
                        + " to the workers in their environment ("
                        + k.envVar()
                        + ") or through the default credential chain");
              }
              JsonNode v = e.getValue();
              if (!v.isValueNode() || v.isNull()) {
                throw invalidOption(field, field + " must be a string, number or boolean");
              }
              String problem = k.problem(v.asText());
              if (problem != null) {
                throw invalidOption(field, field + "='" + v.asText() + "': " + problem);
              }
              env.put(k.envVar(), v.asText());
            });
    return env;
  }

  private static InvalidRequestException invalidOption(String field, String message) {
    return new InvalidRequestException(
        "invalid_request", message, Json.object().put("field", field));
  }

  /**
   * Checks the options only this assembly reads; does no I/O.
   *
   * @return {@code options.galeCommand}, or null
   * @throws InvalidRequestException for a {@code galeCommand} on a pool whose blocks do not run the
   *     launcher by path, or one that is not an absolute path or a plain program name
   */
  static String check(PoolSpec spec) {
    transferEnv(spec);
    String gale = spec.assemblyOption("galeCommand");
    if (gale == null) {
      return null;
    }
    if (spec.provider().equals("local") || spec.provider().equals("kubernetes")) {
      throw new InvalidRequestException(
          "invalid_request",
          "options.galeCommand is for batch pools (slurm, pbs): "
              + (spec.provider().equals("local")
                  ? "local workers run this JVM's own class path"
                  : "kubernetes workers run their image's entrypoint"),
          Json.object().put("field", "options.galeCommand"));
    }
    if (!gale.matches("/[A-Za-z0-9_.,+@%/=-]*|[A-Za-z0-9_.+-]+")) {
      throw new InvalidRequestException(
          "invalid_request",
          "options.galeCommand must be an absolute path (or a program on PATH) without white"
              + " space or quotes, got '"
              + gale
              + "'",
          Json.object().put("field", "options.galeCommand"));
    }
    return gale;
  }
}
