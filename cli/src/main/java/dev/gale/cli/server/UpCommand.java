package dev.gale.cli.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import dev.gale.api.Role;
import dev.gale.cli.Main;
import dev.gale.cli.config.ConfigKey;
import dev.gale.cli.config.Setting;
import dev.gale.gateway.Gateway;
import dev.gale.gateway.GatewayOptions;
import dev.gale.gateway.auth.TokenService;
import dev.gale.scaler.local.LocalProvider;
import dev.gale.scaler.service.ScalerService;
import dev.gale.scheduler.Scheduler;
import dev.gale.scheduler.SchedulerOptions;
import dev.gale.scheduler.Schedulers;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gale up}: the whole service in one JVM — a lone scheduler member, the gateway, and the
 * elastic scaler with pool {@code default} on the local provider (node agents as child processes) —
 * until SIGTERM or Ctrl-C.
 *
 * <p>The default pool keeps {@code --workers} blocks ({@code minBlocks = initBlocks = maxBlocks}),
 * so it is ready at once and stays that size; it belongs to {@code gale up} ({@code owner}): its
 * settings can be changed with {@code PUT /v1/pools/default} but it cannot be deleted. Any other
 * pool set through the API gets its scaler loop at once (e.g. a {@code slurm} pool where Slurm's
 * commands work).
 *
 * <p>Start: scheduler, Vert.x, gateway (listening), admin token written to {@code $GALE_HOME/token}
 * (0600), default pool, scaler; then "Gale is up" once the workers connected (or the ready timeout
 * passed). Stop, in reverse: loops paused, workers drained, blocks stopped, gateway, Vert.x,
 * scheduler; exit 0.
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description =
        "Start the embedded default: gateway, scheduler and local workers in one command.")
public final class UpCommand implements Callable<Integer> {
  static final String POOL = "default";

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
      description = "HTTP port, 0 for any free one (default: ${DEFAULT-VALUE})")
  int port;

  @Setting(ConfigKey.UP_WORKERS)
  @Option(
      names = "--workers",
      paramLabel = "N",
      description =
          "worker processes (default: ${DEFAULT-VALUE}): min, initial and max blocks of pool"
              + " default")
  int workers;

  @Setting(ConfigKey.RUNTIME_SLOTS)
  @Option(
      names = "--slots",
      paramLabel = "S",
      description = "slots per worker (default: ${DEFAULT-VALUE})")
  int slots;

  @Setting(ConfigKey.UP_SCHEDULER_PORT)
  @Option(
      names = "--scheduler-port",
      paramLabel = "PORT",
      description = "port of the embedded scheduler member (default: ${DEFAULT-VALUE})")
  int schedulerPort;

  @Setting(ConfigKey.SCHEDULER_CLUSTER_NAME)
  @Option(
      names = "--cluster-name",
      paramLabel = "NAME",
      description = "scheduler cluster name (default: ${DEFAULT-VALUE})")
  String clusterName;

  @Setting(ConfigKey.UP_READY_TIMEOUT_SECONDS)
  @Option(
      names = "--ready-timeout",
      paramLabel = "S",
      description = "wait this long for workers to connect (default: ${DEFAULT-VALUE})")
  int readyTimeout;

  @Setting(ConfigKey.UP_DRAIN_SECONDS)
  @Option(
      names = "--drain-seconds",
      paramLabel = "S",
      description = "time workers get to finish tasks at shutdown (default: ${DEFAULT-VALUE})")
  int drainSeconds;

  @Setting(ConfigKey.UP_WORKER_JVM_OPTIONS)
  @Option(
      names = "--worker-jvm-options",
      paramLabel = "OPTS",
      description = "extra JVM options for workers")
  String workerJvmOptions;

  @Mixin GatewayLimits limits;

  @Mixin StoreSettings store;

  private final Closer closer = new Closer();

  @Override
  public Integer call() throws Exception {
    if (workers < 0 || slots < 1) {
      throw new ParameterException(spec.commandLine(), "--workers must be >= 0 and --slots >= 1");
    }
    GatewayOptions gatewayOptions;
    try {
      gatewayOptions =
          limits
              .apply(GatewayOptions.builder().host(host).port(port))
              .transfer(Main.of(spec).config().transfer())
              .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    // created by the token writer (mode 0700 when new)
    Path home = Main.of(spec).home().toAbsolutePath();
    dev.gale.scheduler.store.StoreOptions storeOptions;
    try {
      storeOptions = store.toOptions(home, Main.of(spec).config());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Signals signals = Signals.install(false);
    Signals.onExit(closer::close);
    try {
      Scheduler scheduler =
          Schedulers.member(
              SchedulerOptions.builder()
                  .clusterName(clusterName)
                  .bindHost("127.0.0.1")
                  .port(schedulerPort)
                  .members(List.of())
                  .store(storeOptions)
                  .build());
      closer.add("scheduler", scheduler::close);
      Vertx vertx = Vertx.vertx();
      closer.add("vert.x", () -> vertx.close().await(30, TimeUnit.SECONDS));
      Gateway gateway = Roles.startGateway(vertx, scheduler, gatewayOptions);
      closer.add("gateway", gateway::close);
      int listening = gateway.port();

      TokenService tokens = gateway.tokens();
      Path tokenFile = home.resolve("token");
      TokenFile.write(tokenFile, tokens.mint("admin", Role.ADMIN, null));

      String url = "http://" + connectHost(host) + ":" + listening;
      Path logs = home.resolve("logs");
      scheduler.putPool(POOL, defaultPool(workers, slots, drainSeconds));
      WorkerCommands commands =
          new WorkerCommands(
              url,
              GaleLauncher.path(Main.of(spec).env()),
              workerJvmOptions,
              workerArgs(),
              pool -> tokens.mint("admin", Role.WORKER, pool));
      ScalerService scaler =
          Scalers.service(
              scheduler, commands, home, Duration.ofSeconds(15), Main.of(spec).config());
      closer.add("workers", scaler::scaleInAndClose);
      closer.add(
          "drain",
          () -> {
            scaler.pause();
            gateway.drainWorkers(Duration.ofSeconds(drainSeconds));
          });
      scaler.start();

      int connected = awaitWorkers(scheduler, signals, Duration.ofSeconds(readyTimeout));
      if (connected < 0) {
        return stop(signals, out);
      }
      out.println("Gale is up at " + url);
      out.println("admin token: " + tokenFile);
      out.println(
          "workers: "
              + connected
              + " of "
              + workers
              + " connected, "
              + slots
              + (slots == 1 ? " slot" : " slots")
              + " each; logs in "
              + logs);
      if (connected < workers) {
        spec.commandLine()
            .getErr()
            .println(
                "warning: only "
                    + connected
                    + " of "
                    + workers
                    + " workers connected after "
                    + readyTimeout
                    + " s; see "
                    + logs);
      }
      out.println("press Ctrl-C to stop");
      out.flush();
      signals.await();
      return stop(signals, out);
    } catch (RuntimeException | Error e) {
      closer.close();
      throw e;
    }
  }

  private int stop(Signals signals, PrintWriter out) {
    spec.commandLine().getErr().println("stopping Gale...");
    spec.commandLine().getErr().flush();
    closer.close();
    out.println("Gale stopped");
    out.flush();
    return Main.OK;
  }

  /**
   * The settings of pool {@code default}: {@code workers} local blocks of {@code slots} slots, kept
   * (min = initial = max), owned by {@code gale up}; a block gets the drain time plus 5 s after
   * SIGTERM.
   */
  static ObjectNode defaultPool(int workers, int slots, int drainSeconds) {
    ObjectNode p =
        Json.object()
            .put("provider", LocalProvider.KEY)
            .put("minBlocks", workers)
            .put("initBlocks", workers)
            .put("maxBlocks", workers)
            .put("slotsPerNode", slots)
            .put("owner", "gale up");
    p.putObject("options").put("gracePeriodSeconds", Math.max(drainSeconds, 1) + 5);
    return p;
  }

  /** Workers of the pool connected within the timeout; -1 when a stop signal came first. */
  private int awaitWorkers(Scheduler scheduler, Signals signals, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      int n = (int) scheduler.workers().stream().filter(w -> POOL.equals(w.pool())).count();
      if (n >= workers || System.nanoTime() >= deadline) {
        return n;
      }
      if (signals.await(100)) {
        return -1;
      }
    }
  }

  /** The host workers use to reach a gateway bound to {@code host}. */
  static String connectHost(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.isBlank()
        ? "127.0.0.1"
        : bracket(host);
  }

  private static String bracket(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /**
   * The arguments of the local workers: they read the same config file as this process (and inherit
   * its environment), so their {@code gale.transfer.*} settings are this process's.
   */
  private List<String> workerArgs() {
    List<String> args = new java.util.ArrayList<>();
    args.addAll(List.of("--drain-seconds", Integer.toString(drainSeconds)));
    args.addAll(List.of("--parent-pid", Long.toString(ProcessHandle.current().pid())));
    Path file = Main.of(spec).config().file();
    if (file != null) {
      args.addAll(List.of("--config", file.toAbsolutePath().toString()));
    }
    return args;
  }
}
