package dev.gale.cli.server;

import dev.gale.api.Role;
import dev.gale.cli.Main;
import dev.gale.cli.config.ConfigKey;
import dev.gale.cli.config.Setting;
import dev.gale.gateway.Gateway;
import dev.gale.gateway.GatewayOptions;
import dev.gale.scheduler.Scheduler;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code gale gateway}: a gateway connected to a scheduler cluster as a client, until SIGTERM. */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = "Run a gateway connected to a scheduler cluster until stopped.")
public final class GatewayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Setting(ConfigKey.GATEWAY_HOST)
  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "address to listen on (default: ${DEFAULT-VALUE})")
  String host;

  @Setting(ConfigKey.GATEWAY_PORT)
  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "HTTP port (default: ${DEFAULT-VALUE})")
  int port;

  @Setting(ConfigKey.GATEWAY_SCHEDULER)
  @Option(
      names = "--scheduler",
      split = ",",
      paramLabel = "HOST:PORT",
      description = "scheduler members to connect to, comma-separated (default: ${DEFAULT-VALUE})")
  List<String> scheduler;

  @Setting(ConfigKey.SCHEDULER_CLUSTER_NAME)
  @Option(
      names = "--cluster-name",
      paramLabel = "NAME",
      description = "scheduler cluster name (default: ${DEFAULT-VALUE})")
  String clusterName;

  @Option(
      names = "--admin-token-file",
      paramLabel = "FILE",
      description = "mint an admin token at start and write it here (mode 0600) to bootstrap")
  Path adminTokenFile;

  @Setting(ConfigKey.GATEWAY_ADMIN_TOKEN)
  @Option(
      names = "--admin-token",
      paramLabel = "TOKEN",
      description =
          "register this admin token at start (gale_ + 43 base64url characters; prefer the"
              + " environment variable, which stays out of the process list)")
  String adminToken;

  @Mixin GatewayLimits limits;

  @Override
  public Integer call() throws Exception {
    List<String> members = Roles.nonBlank(scheduler);
    if (members.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--scheduler needs at least one host:port");
    }
    GatewayOptions options;
    try {
      options =
          limits
              .apply(GatewayOptions.builder().host(host).port(port))
              .transfer(Main.of(spec).config().transfer())
              .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Signals signals = Signals.install(false);
    Closer closer = new Closer();
    Signals.onExit(closer::close);
    try {
      Scheduler client = Roles.connectClient(clusterName, members);
      closer.add("scheduler client", client::close);
      Vertx vertx = Vertx.vertx();
      closer.add("vert.x", () -> vertx.close().await(30, TimeUnit.SECONDS));
      Gateway gateway = Roles.startGateway(vertx, client, options);
      closer.add("gateway", gateway::close);
      if (adminToken != null && !adminToken.isBlank()) {
        try {
          gateway.tokens().register(adminToken.trim(), "admin", Role.ADMIN);
        } catch (dev.gale.api.InvalidRequestException e) {
          throw new ParameterException(spec.commandLine(), "admin token: " + e.getMessage());
        }
      }
      if (adminTokenFile != null) {
        TokenFile.write(adminTokenFile, gateway.tokens().mint("admin", Role.ADMIN, null));
      }
      spec.commandLine()
          .getOut()
          .println(
              "Gale gateway is up at http://" + UpCommand.connectHost(host) + ":" + gateway.port());
      if (adminTokenFile != null) {
        spec.commandLine().getOut().println("admin token: " + adminTokenFile.toAbsolutePath());
      }
      spec.commandLine().getOut().flush();
      signals.await();
    } finally {
      closer.close();
    }
    return Main.OK;
  }
}
