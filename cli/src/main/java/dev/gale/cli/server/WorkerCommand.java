package dev.gale.cli.server;

import dev.gale.cli.Main;
import dev.gale.cli.config.ConfigKey;
import dev.gale.cli.config.Setting;
import dev.gale.client.GaleClient;
import dev.gale.runtime.NodeAgent;
import dev.gale.runtime.NodeAgentOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gale worker}: a node agent that dials out to a gateway, until SIGTERM (it then drains:
 * finishes its running tasks, up to {@code --drain-seconds}) or until {@code --parent-pid} exits.
 * The worker token comes from {@code $GALE_WORKER_TOKEN} or {@code --token-file}, never argv.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = "Run a node agent that serves one pool until stopped.")
public final class WorkerCommand implements Callable<Integer> {
  static final String TOKEN_ENV = "GALE_WORKER_TOKEN";

  @Spec CommandSpec spec;

  @Setting(ConfigKey.RUNTIME_URL)
  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "gateway to connect to (default: ${DEFAULT-VALUE})")
  URI url;

  @Setting(ConfigKey.RUNTIME_FALLBACK_URLS)
  @Option(
      names = "--fallback-url",
      paramLabel = "URL",
      split = ",",
      description =
          "other gateways of the service, tried in turn when the current one is unreachable")
  List<String> fallbackUrls;

  @Setting(ConfigKey.RUNTIME_POOL)
  @Option(
      names = "--pool",
      paramLabel = "POOL",
      description = "pool to serve (default: ${DEFAULT-VALUE})")
  String pool;

  @Setting(ConfigKey.RUNTIME_SLOTS)
  @Option(
      names = "--slots",
      paramLabel = "N",
      description = "tasks run at once (default: ${DEFAULT-VALUE})")
  int slots;

  @Setting(ConfigKey.RUNTIME_PREFETCH)
  @Option(
      names = "--prefetch",
      paramLabel = "N",
      description = "tasks held beyond the slots (default: the runtime's)")
  Integer prefetch;

  @Setting(ConfigKey.RUNTIME_NODE)
  @Option(
      names = "--node",
      paramLabel = "NAME",
      description = "node name to report (default: this host's name)")
  String node;

  @Option(
      names = "--worker-id",
      paramLabel = "ID",
      description = "stable worker id (default: w-<random UUID>)")
  String workerId;

  @Setting(ConfigKey.RUNTIME_WORK_DIR)
  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description = "work directory (default: a temporary one, deleted at exit)")
  Path workDir;

  @Setting(ConfigKey.RUNTIME_PYTHON)
  @Option(
      names = "--python",
      paramLabel = "PROGRAM",
      description = "python interpreter (default: ${DEFAULT-VALUE})")
  String python;

  @Setting(ConfigKey.RUNTIME_TOKEN_FILE)
  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "file with the worker token (default: $" + TOKEN_ENV + ")")
  Path tokenFile;

  @Option(names = "--parent-pid", paramLabel = "PID", description = "exit when this process exits")
  Long parentPid;

  @Option(
      names = "--standby",
      description =
          "get ready, then wait for a line on stdin before connecting; exit when stdin closes"
              + " first (the local provider keeps one such agent warm)")
  boolean standby;

  @Setting(ConfigKey.RUNTIME_DRAIN_SECONDS)
  @Option(
      names = "--drain-seconds",
      paramLabel = "S",
      description = "time to finish running tasks on SIGTERM (default: ${DEFAULT-VALUE})")
  int drainSeconds;

  @Override
  public Integer call() throws Exception {
    Main main = Main.of(spec);
    if (slots < 1) {
      throw new ParameterException(spec.commandLine(), "--slots must be at least 1");
    }
    String token =
        tokenFile != null ? GaleClient.readTokenFile(tokenFile) : main.env().get(TOKEN_ENV);
    if (token == null || token.isBlank()) {
      throw new ParameterException(
          spec.commandLine(),
          tokenFile != null
              ? "no token in " + tokenFile
              : "no worker token: set $" + TOKEN_ENV + " or use --token-file");
    }
    NodeAgentOptions.Builder b =
        NodeAgentOptions.builder()
            .gatewayUrl(url)
            .fallbackUrls(Roles.nonBlank(fallbackUrls).stream().map(URI::create).toList())
            .token(token.trim())
            .pool(pool)
            .node(node)
            .workerId(workerId)
            .slots(slots)
            .workDir(workDir)
            .python(python)
            .drainTimeout(Duration.ofSeconds(drainSeconds))
            .transfer(main.config().transfer());
    if (prefetch != null) {
      b.prefetch(prefetch);
    }
    if (parentPid != null) {
      b.parentPid(parentPid);
    }
    NodeAgentOptions options;
    try {
      options = b.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    // a worker with a parent is stopped by that parent on Ctrl-C; it must not die on the SIGINT
    // the terminal sends to the whole process group
    Signals signals = Signals.install(parentPid != null);
    NodeAgent agent = standby ? NodeAgent.prepare(options) : NodeAgent.start(options);
    if (standby) {
      awaitGo(agent, signals);
    }
    Closer closer = new Closer();
    // close() drains for at most the drain timeout, then kills what still runs
    closer.add("node agent", agent::close);
    Signals.onExit(closer::close);
    Thread watcher =
        new Thread(
            () -> {
              try {
                agent.awaitTermination(Duration.ofDays(36500));
                signals.trigger("agent stopped");
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "gale-agent-watch");
    watcher.setDaemon(true);
    watcher.start();
    signals.await();
    closer.close();
    return Main.OK;
  }

  /**
   * A standby connects when a line arrives on stdin and stops when stdin ends without one (its
   * provider dropped it, or died: the pipe closes with it).
   */
  private static void awaitGo(NodeAgent agent, Signals signals) {
    org.slf4j.LoggerFactory.getLogger(WorkerCommand.class)
        .info("node agent {} ready (standby); connecting when told to", agent.workerId());
    Thread reader =
        new Thread(
            () -> {
              String line;
              try {
                line =
                    new java.io.BufferedReader(
                            new java.io.InputStreamReader(
                                System.in, java.nio.charset.StandardCharsets.UTF_8))
                        .readLine();
              } catch (java.io.IOException e) {
                line = null;
              }
              if (line != null) {
                agent.connect();
              } else {
                signals.trigger("standby released");
              }
            },
            "gale-standby");
    reader.setDaemon(true);
    reader.start();
  }
}
