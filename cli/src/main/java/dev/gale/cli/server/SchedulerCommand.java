package dev.gale.cli.server;

import dev.gale.cli.Main;
import dev.gale.cli.config.ConfigKey;
import dev.gale.cli.config.Setting;
import dev.gale.scheduler.Scheduler;
import dev.gale.scheduler.SchedulerOptions;
import dev.gale.scheduler.Schedulers;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gale scheduler}: one scheduler cluster member, until SIGTERM. */
@Command(
    name = "scheduler",
    mixinStandardHelpOptions = true,
    description = "Run a scheduler cluster member (Hazelcast) until stopped.")
public final class SchedulerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Setting(ConfigKey.SCHEDULER_HOST)
  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "address to bind (default: ${DEFAULT-VALUE})")
  String host;

  @Setting(ConfigKey.SCHEDULER_PORT)
  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "member port (default: ${DEFAULT-VALUE})")
  int port;

  @Setting(ConfigKey.SCHEDULER_MEMBERS)
  @Option(
      names = "--members",
      split = ",",
      paramLabel = "HOST:PORT",
      description = "other members to join, comma-separated (default: none, a lone member)")
  List<String> members;

  @Setting(ConfigKey.SCHEDULER_CLUSTER_NAME)
  @Option(
      names = "--cluster-name",
      paramLabel = "NAME",
      description = "cluster name (default: ${DEFAULT-VALUE})")
  String clusterName;

  @Setting(ConfigKey.SCHEDULER_MAX_QUEUED_PER_POOL)
  @Option(
      names = "--max-queued-per-pool",
      paramLabel = "N",
      description = "queued tasks per pool before back-pressure (default: ${DEFAULT-VALUE})")
  long maxQueued;

  @Setting(ConfigKey.SCHEDULER_BACKUP_COUNT)
  @Option(
      names = "--backup-count",
      paramLabel = "N",
      description = "synchronous backups (default: ${DEFAULT-VALUE})")
  int backupCount;

  @Setting(ConfigKey.SCHEDULER_KUBERNETES_SERVICE_DNS)
  @Option(
      names = "--kubernetes-service-dns",
      paramLabel = "NAME",
      description = "find members by DNS lookup of this headless service (on Kubernetes)")
  String kubernetesServiceDns;

  @picocli.CommandLine.Mixin StoreSettings store;

  @Override
  public Integer call() throws Exception {
    Main main = Main.of(spec);
    dev.gale.scheduler.store.StoreOptions storeOptions;
    try {
      storeOptions = store.toOptions(main.home().toAbsolutePath(), main.config());
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Signals signals = Signals.install(false);
    Closer closer = new Closer();
    Signals.onExit(closer::close);
    Scheduler scheduler =
        Schedulers.member(
            SchedulerOptions.builder()
                .clusterName(clusterName)
                .bindHost(host)
                .port(port)
                .members(Roles.nonBlank(members))
                .maxQueuedPerPool(maxQueued)
                .backupCount(backupCount)
                .kubernetesServiceDns(kubernetesServiceDns)
                .store(storeOptions)
                .build());
    closer.add("scheduler", scheduler::close);
    spec.commandLine()
        .getOut()
        .println(
            "Gale scheduler member of cluster '"
                + clusterName
                + "' is up on "
                + scheduler.memberAddress().orElse(host + ":" + port));
    spec.commandLine().getOut().flush();
    signals.await();
    closer.close();
    return Main.OK;
  }
}
