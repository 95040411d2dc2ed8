package dev.gale.cli.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.BlockRequest;
import dev.gale.scaler.ProviderRegistry;
import dev.gale.scaler.service.PoolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The node-agent command of each provider's blocks, and the worker token in its environment. */
class WorkerCommandsTest {
  private static final ProviderRegistry REGISTRY = ProviderRegistry.fromServiceLoader();
  private final List<String> minted = new ArrayList<>();
  private final WorkerCommands commands =
      new WorkerCommands(
          "http://gw.example.org:8080",
          "/opt/gale/gale",
          "-Xmx256m",
          List.of("--parent-pid", "42"),
          pool -> {
            minted.add(pool);
            return "gale_token-of-" + pool;
          });

  private static PoolSpec spec(String name, String json) {
    return PoolSpec.parse(name, Json.readTree(json), REGISTRY);
  }

  @Test
  void localBlocksRunThisJvmsWorkerWithTheBlockAsWorkerId() {
    BlockCommand c = commands.command(spec("default", "{\"provider\":\"local\"}"));
    List<String> argv = c.argvFor("local-a-1", BlockRequest.of("default", 2));
    assertThat(argv.get(0)).isEqualTo(WorkerLauncher.javaExecutable());
    assertThat(argv).contains("-Xmx256m", "dev.gale.cli.Main");
    assertThat(argv.subList(argv.indexOf("worker"), argv.size()))
        .containsExactly(
            "worker",
            "--url",
            "http://gw.example.org:8080",
            "--pool",
            "default",
            "--slots",
            "2",
            "--worker-id",
            "local-a-1",
            "--parent-pid",
            "42");
    assertThat(c.env()).containsExactly(Map.entry("GALE_WORKER_TOKEN", "gale_token-of-default"));
  }

  @Test
  void aPoolsTransferSettingsReachItsWorkersAsEnvironmentButCredentialsAreRefused() {
    BlockCommand c =
        commands.command(
            spec(
                "s3pool",
                "{\"provider\":\"slurm\",\"options\":{\"transfer\":{"
                    + "\"s3.endpoint\":\"http://minio.site:9000\",\"s3.path-style\":true,"
                    + "\"staging.parallelism\":8}}}"));
    assertThat(c.env())
        .containsEntry("GALE_TRANSFER_S3_ENDPOINT", "http://minio.site:9000")
        .containsEntry("GALE_TRANSFER_S3_PATH_STYLE", "true")
        .containsEntry("GALE_TRANSFER_STAGING_PARALLELISM", "8")
        .containsEntry("GALE_WORKER_TOKEN", "gale_token-of-s3pool");

    assertThatThrownBy(
            () ->
                WorkerCommands.check(
                    spec(
                        "p",
                        "{\"provider\":\"local\",\"options\":{\"transfer\":"
                            + "{\"s3.secret-access-key\":\"shh\"}}}")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("options.transfer.s3.secret-access-key is a credential")
        .hasMessageContaining("GALE_TRANSFER_S3_SECRET_ACCESS_KEY")
        .hasMessageNotContaining("shh");
    assertThatThrownBy(
            () ->
                WorkerCommands.check(
                    spec(
                        "p",
                        "{\"provider\":\"local\",\"options\":{\"transfer\":"
                            + "{\"s3.endpont\":\"http://x\"}}}")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("unknown transfer setting s3.endpont (known: ")
        .hasMessageContaining("s3.endpoint");
    assertThatThrownBy(
            () ->
                WorkerCommands.check(
                    spec(
                        "p",
                        "{\"provider\":\"local\",\"options\":{\"transfer\":"
                            + "{\"staging.parallelism\":\"many\"}}}")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("options.transfer.staging.parallelism='many'");
    assertThatThrownBy(
            () ->
                WorkerCommands.check(
                    spec("p", "{\"provider\":\"local\",\"options\":{\"transfer\":\"x\"}}")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("options.transfer must be an object");
  }

  @Test
  void kubernetesBlocksPassTheWorkerArgumentsToTheImagesEntrypoint() {
    BlockCommand c =
        commands.command(
            spec("gpu", "{\"provider\":\"kubernetes\",\"options\":{\"image\":\"gale:1\"}}"));
    assertThat(c.argvFor("gale-gpu-x-1", BlockRequest.of("gpu", 4)))
        .containsExactly(
            "worker",
            "--url",
            "http://gw.example.org:8080",
            "--pool",
            "gpu",
            "--slots",
            "4",
            "--worker-id",
            "gale-gpu-x-1");
    assertThat(c.env()).containsEntry("GALE_WORKER_TOKEN", "gale_token-of-gpu");
  }

  @Test
  void batchBlocksRunTheLauncherWithoutBuildingAndGaleCommandOverridesIt() {
    BlockCommand c = commands.command(spec("hpc", "{\"provider\":\"slurm\"}"));
    assertThat(c.argvFor("slurm-x-1", BlockRequest.of("hpc", 8)))
        .containsExactly(
            "/opt/gale/gale",
            "worker",
            "--url",
            "http://gw.example.org:8080",
            "--pool",
            "hpc",
            "--slots",
            "8",
            "--worker-id",
            "slurm-x-1");
    assertThat(c.env())
        .containsEntry("GALE_WORKER_TOKEN", "gale_token-of-hpc")
        .containsEntry("GALE_NO_BUILD", "1");
    BlockCommand own =
        commands.command(
            spec("hpc", "{\"provider\":\"pbs\",\"options\":{\"galeCommand\":\"/shared/gale\"}}"));
    assertThat(own.argv().get(0)).isEqualTo("/shared/gale");
    assertThat(minted).as("one token per pool").containsExactly("hpc");
  }

  @Test
  void everyNodeOfAMultiNodeBlockGetsItsOwnWorkerIdUnderTheBlock() throws Exception {
    BlockCommand c = commands.command(spec("hpc", "{\"provider\":\"slurm\",\"nodesPerBlock\":3}"));
    BlockRequest req = new BlockRequest("hpc", 3, 2, null);
    List<String> argv = new ArrayList<>(c.argvFor("slurm-x-7", req));
    assertThat(argv.subList(0, 2)).containsExactly("/bin/sh", "-c");
    // run the wrapper as srun would on the node of rank 2, with echo as the launcher
    argv.set(3, "echo");
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().putAll(c.envFor("slurm-x-7", req));
    pb.environment().put("SLURM_PROCID", "2");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    p.waitFor();
    assertThat(out)
        .isEqualTo(
            "worker --url http://gw.example.org:8080 --pool hpc --slots 2 --worker-id"
                + " slurm-x-7@2");
    assertThat(dev.gale.api.WorkerInfo.blockOf("slurm-x-7@2")).isEqualTo("slurm-x-7");
    assertThat(dev.gale.api.WorkerInfo.blockOf("local-a-1")).isEqualTo("local-a-1");
  }

  @Test
  void galeCommandIsRefusedWhereBlocksDoNotRunTheLauncherOrWhenItIsNotAPath() {
    assertThatThrownBy(
            () ->
                commands.command(
                    spec("p", "{\"provider\":\"local\",\"options\":{\"galeCommand\":\"/x\"}}")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("options.galeCommand is for batch pools (slurm, pbs)");
    assertThatThrownBy(
            () ->
                commands.command(
                    spec(
                        "p",
                        "{\"provider\":\"slurm\",\"options\":{\"galeCommand\":\"gale; rm -rf"
                            + " /\"}}")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("options.galeCommand must be an absolute path");
    assertThat(minted).isEmpty();
  }
}
