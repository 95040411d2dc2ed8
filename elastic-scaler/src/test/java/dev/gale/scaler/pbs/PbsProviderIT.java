package dev.gale.scaler.pbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.BlockRequest;
import dev.gale.scaler.BlockState;
import dev.gale.scaler.BlockStatus;
import dev.gale.scaler.ProviderException;
import dev.gale.scaler.batch.BlockFiles;
import dev.gale.scaler.batch.SlurmTestbed;
import dev.gale.scaler.spi.ProviderContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pbs provider against the qsub/qstat/qdel of Debian's slurm-wlm-torque over a real Slurm
 * started by scripts/slurm-testbed.sh.
 */
class PbsProviderIT {
  private static final Duration SETTLE = Duration.ofSeconds(60);
  private static final BlockRequest ONE_NODE = BlockRequest.of("hpc", 2);

  @TempDir static Path testbedDir;
  private static SlurmTestbed slurm;

  @TempDir Path work;
  private PbsProvider provider;
  private final List<String> submitted = new ArrayList<>();

  @BeforeAll
  static void startSlurm() {
    slurm = SlurmTestbed.start(testbedDir);
  }

  @AfterAll
  static void stopSlurm() {
    if (slurm != null) {
      slurm.close();
    }
  }

  @AfterEach
  void cancelEverything() {
    if (provider != null && !submitted.isEmpty()) {
      provider.cancel(submitted);
    }
  }

  private PbsProvider provider(String script, Map<String, String> env, ObjectNode options) {
    options.put("walltime", "00:10:00");
    options.putObject("commandEnv").put("SLURM_CONF", slurm.conf().toString());
    provider =
        (PbsProvider)
            new PbsProviderFactory()
                .create(
                    new ProviderContext(
                        "hpc",
                        options,
                        new BlockCommand(List.of("sh", "-c", script, "{block}"), env),
                        work));
    return provider;
  }

  private String submit(BlockRequest request) {
    String id = provider.submit(request);
    submitted.add(id);
    return id;
  }

  private BlockStatus status(String id) {
    return provider.status(List.of(id)).get(id);
  }

  @Test
  void theNodeAgentSeesTheJobIdAndItsEnvironmentAndTheSecretStaysPrivate() throws Exception {
    Path seen = work.resolve("seen");
    provider(
        "echo \"$SLURM_JOB_ID $GALE_WORKER_TOKEN $0\" > " + seen + "; exec sleep 120",
        Map.of("GALE_WORKER_TOKEN", "tok-{pool}-s3cret"),
        Json.object());
    String id = submit(ONE_NODE);
    String jobId = provider.jobId(id).orElseThrow();
    await().atMost(SETTLE).until(() -> Files.exists(seen) && Files.readString(seen).endsWith("\n"));
    assertThat(Files.readString(seen)).isEqualTo(jobId + " tok-hpc-s3cret " + id + "\n");
    assertThat(status(id).state()).isEqualTo(BlockState.RUNNING);
    BlockFiles files = provider.files(id).orElseThrow();
    assertThat(Files.readString(files.script())).doesNotContain("s3cret");
    assertThat(Files.getPosixFilePermissions(files.env()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));

    provider.cancel(List.of(id));
    await().atMost(SETTLE).until(() -> status(id).state() == BlockState.CANCELLED);
    assertThat(files.env()).as("removed once the block is cancelled").doesNotExist();
  }

  @Test
  void aBlockThatEndsWellIsCompletedAndOneThatFailsCarriesItsExitStatusAndOutput() {
    provider("echo 'gale-agent: cannot reach gateway' >&2; exit 7", Map.of(), Json.object());
    String bad = submit(ONE_NODE);
    await().atMost(SETTLE).until(() -> status(bad).isTerminal());
    BlockStatus s = status(bad);
    assertThat(s.state()).isEqualTo(BlockState.FAILED);
    assertThat(s.message())
        .startsWith("job_state=C, exit status 7")
        .contains("; output " + provider.files(bad).orElseThrow().output() + " ends with:")
        .endsWith("gale-agent: cannot reach gateway");
    assertThat(provider.files(bad).orElseThrow().env()).doesNotExist();

    provider("echo fine", Map.of(), Json.object());
    String good = submit(ONE_NODE);
    await().atMost(SETTLE).until(() -> status(good).isTerminal());
    assertThat(status(good))
        .extracting(BlockStatus::state, BlockStatus::message)
        .containsExactly(BlockState.COMPLETED, "job_state=C, exit status 0");
  }

  @Test
  void aPendingJobIsCancelled() {
    provider("exec sleep 120", Map.of(), Json.object());
    // more nodes than the cluster has: the job stays queued
    String tooBig = submit(new BlockRequest("hpc", 2, 1, null));
    assertThat(status(tooBig).state()).isEqualTo(BlockState.PENDING);
    provider.cancel(List.of(tooBig));
    await().atMost(SETTLE).until(() -> status(tooBig).state() == BlockState.CANCELLED);
    assertThat(provider.files(tooBig).orElseThrow().env()).doesNotExist();
  }

  @Test
  void aJobTheServerRefusesFailsTheSubmitWithQsubsOutput() {
    provider("true", Map.of(), Json.object().put("queue", "no-such-queue"));
    assertThatThrownBy(() -> submit(ONE_NODE))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.getMessage()).startsWith("qsub refused the block's job: 'qsub -o ");
              assertThat(e.details().get("command").get(0).asText()).isEqualTo("qsub");
              assertThat(e.details().get("exitCode").asInt()).isNotZero();
              assertThat(e.details().get("stdout").asText() + e.details().get("stderr").asText())
                  .contains("Invalid partition name specified");
            });
  }
}
