package dev.gale.cli.server;

import dev.gale.api.Role;
import dev.gale.cli.Main;
import dev.gale.cli.config.ConfigKey;
import dev.gale.cli.config.Setting;
import dev.gale.gateway.auth.TokenService;
import dev.gale.scaler.service.ScalerService;
import dev.gale.scheduler.Scheduler;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gale scaler}: the elastic scaler of a scheduler cluster, connected as a client, until
 * SIGTERM. It runs one loop per pool for the pools whose lease it takes ({@link ScalerService});
 * run two for failover. At start it creates the pools of {@code --pools-file} that do not exist
 * yet. On SIGTERM it stops its loops and gives its leases up; the blocks keep running (another
 * scaler adopts them) unless {@code --scale-in-on-exit}.
 */
@Command(
    name = "scaler",
    mixinStandardHelpOptions = true,
    description = "Run the elastic scaler (one loop per pool, leader-elected) until stopped.")
public final class ScalerCommand implements Callable<Integer> {
  /** The tenant of the worker tokens this scaler mints for its pools. */
  static final String TOKEN_TENANT = "scaler";

  @Spec CommandSpec spec;

  @Setting(ConfigKey.SCALER_SCHEDULER)
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

  @Setting(ConfigKey.SCALER_GATEWAY_URL)
  @Option(
      names = "--gateway-url",
      paramLabel = "URL",
      description =
          "gateway URL the workers dial, reachable from the blocks (default: ${DEFAULT-VALUE})")
  URI gatewayUrl;

  @Setting(ConfigKey.SCALER_POOLS_FILE)
  @Option(
      names = "--pools-file",
      paramLabel = "FILE",
      description =
          "JSON {\"pools\": {NAME: settings}}: pools created at start if they do not exist")
  Path poolsFile;

  @Setting(ConfigKey.SCALER_SCALE_IN_ON_EXIT)
  @Option(
      names = "--scale-in-on-exit",
      description = "stop every block on exit (default: leave them to the next scaler)")
  boolean scaleInOnExit;

  @Setting(ConfigKey.SCALER_WORK_DIR)
  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description = "local block logs and batch job scripts (default: the Gale home)")
  Path workDir;

  @Setting(ConfigKey.SCALER_LEASE_TTL_SECONDS)
  @Option(
      names = "--lease-ttl",
      paramLabel = "S",
      description =
          "seconds before another scaler takes over a dead one's pools (default: ${DEFAULT-VALUE})")
  int leaseTtl;

  @Override
  public Integer call() throws Exception {
    Main main = Main.of(spec);
    List<String> members = Roles.nonBlank(scheduler);
    if (members.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--scheduler needs at least one host:port");
    }
    if (leaseTtl < 3) {
      throw new ParameterException(spec.commandLine(), "--lease-ttl must be at least 3 seconds");
    }
    String scheme = gatewayUrl.getScheme();
    if (gatewayUrl.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
      throw new ParameterException(
          spec.commandLine(), "--gateway-url must be an http(s) URL, got " + gatewayUrl);
    }
    ProviderPoolValidator validator = new ProviderPoolValidator();
    Map<String, com.fasterxml.jackson.databind.JsonNode> pools =
        poolsFile == null ? Map.of() : PoolsFile.read(poolsFile, validator);
    Signals signals = Signals.install(false);
    Closer closer = new Closer();
    Signals.onExit(closer::close);
    PrintWriter out = spec.commandLine().getOut();
    try {
      Scheduler client = Roles.connectClient(clusterName, members);
      closer.add("scheduler client", client::close);
      List<String> created = PoolsFile.apply(client, pools);
      TokenService tokens = new TokenService(client);
      WorkerCommands commands =
          new WorkerCommands(
              gatewayUrl.toString(),
              GaleLauncher.path(main.env()),
              "",
              List.of(),
              pool -> tokens.mint(TOKEN_TENANT, Role.WORKER, pool));
      ScalerService service =
          Scalers.service(
              client,
              commands,
              workDir != null ? workDir : main.home().toAbsolutePath(),
              Duration.ofSeconds(leaseTtl),
              main.config());
      closer.add(
          "scaler",
          () -> {
            if (scaleInOnExit) {
              service.scaleInAndClose();
            } else {
              service.close();
            }
          });
      service.start();
      out.println(
          "Gale scaler is up: cluster '"
              + clusterName
              + "' at "
              + String.join(",", members)
              + ", workers dial "
              + gatewayUrl
              + ", providers "
              + String.join(", ", service.registry().keys())
              + " (holder "
              + service.holder()
              + ")");
      if (!created.isEmpty()) {
        out.println("pools created from " + poolsFile + ": " + String.join(", ", created));
      }
      out.flush();
      signals.await();
    } finally {
      closer.close();
    }
    return Main.OK;
  }
}
