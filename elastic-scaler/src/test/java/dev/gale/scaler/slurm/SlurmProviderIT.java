package dev.gale.scaler.slurm;

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
import dev.gale.scaler.batch.CommandResult;
import dev.gale.scaler.batch.SlurmTestbed;
import dev.gale.scaler.spi.ProviderContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The slurm provider against a real single-node Slurm started by scripts/slurm-testbed.sh. */
class SlurmProviderIT {
  private static final Duration SETTLE = Duration.ofSeconds(60);
  private static final BlockRequest ONE_NODE = BlockRequest.of("hpc", 2);

  @TempDir static Path testbedDir;
  private static SlurmTestbed slurm;

  @TempDir Path work;
  private SlurmProvider provider;
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

  private SlurmProvider provider(String script, Map<String, String> env, ObjectNode options) {
    options.put("slurmConf", slurm.conf().toString());
    if (!options.has("walltime")) {
      options.put("walltime", "00:10:00");
    }
    if (!options.has("gracePeriodSeconds")) {
      options.put("gracePeriodSeconds", 5);
    }
    provider =
        (SlurmProvider)
            new SlurmProviderFactory()
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

  private CommandResult slurmCommand(String... argv) {
    return provider
        .options()
        .common()
        .runner(Map.of("SLURM_CONF", slurm.conf().toString()))
        .run(List.of(argv));
  }

  @Test
  void anotherProviderInstanceAdoptsARunningJobAndCancelsIt() {
    provider("exec sleep 120", Map.of(), Json.object());
    String id = submit(ONE_NODE);
    await().atMost(SETTLE).until(() -> status(id).state() == BlockState.RUNNING);
    String jobId = provider.jobId(id).orElseThrow();
    SlurmProvider first = provider;
    SlurmProvider second = provider("exec sleep 120", Map.of(), Json.object());
    java.time.Instant now = java.time.Instant.now();
    assertThat(
            second.adopt(
                new dev.gale.scaler.BlockRecord(
                    id, jobId, BlockState.RUNNING, now, now, now, true, false, false)))
        .isTrue();
    assertThat(second.jobId(id)).contains(jobId);
    assertThat(second.status(List.of(id)).get(id).state()).isEqualTo(BlockState.RUNNING);
    second.cancel(List.of(id));
    await().atMost(SETTLE).until(() -> second.status(List.of(id)).get(id).isTerminal());
    assertThat(second.status(List.of(id)).get(id).state()).isEqualTo(BlockState.CANCELLED);
    assertThat(first.status(List.of(id)).get(id).isTerminal()).isTrue();
    assertThat(
            second.adopt(
                new dev.gale.scaler.BlockRecord(
                    "pbs-x-1", "1", BlockState.RUNNING, now, now, now, true, false, false)))
        .as("a block of another provider")
        .isFalse();
  }

  @Test
  void theNodeAgentSeesSlurmJobIdAndItsEnvironmentButNoSecretIsLeftAround() throws Exception {
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
    assertThat(files.env()).as("the job removes its environment file once read").doesNotExist();
    assertThat(Files.readString(files.script())).doesNotContain("s3cret");
    assertThat(slurmCommand("scontrol", "show", "job", "-dd", jobId).stdout())
        .contains("JobState=RUNNING")
        .doesNotContain("s3cret");
    assertThat(commandLinesOfAllProcesses()).noneMatch(c -> c.contains("s3cret"));
  }

  @Test
  void aScriptThatFailsIsReportedFailedWithItsExitCodeAndOutput() {
    provider("echo 'gale-agent: cannot reach gateway' >&2; exit 7", Map.of(), Json.object());
    String id = submit(ONE_NODE);
    await().atMost(SETTLE).until(() -> status(id).isTerminal());
    BlockStatus s = status(id);
    assertThat(s.state()).isEqualTo(BlockState.FAILED);
    assertThat(s.message())
        .startsWith("FAILED (NonZeroExitCode), exit code 7; output ")
        .contains(provider.files(id).orElseThrow().output().toString())
        .endsWith("gale-agent: cannot reach gateway");
  }

  @Test
  void aJobThatOutlivesItsWalltimeEndsTimeout() {
    // the scaler drains blocks before this happens; a task that ignores the drain meets it
    provider("exec sleep 600", Map.of(), Json.object().put("walltime", "00:01:00"));
    String id = submit(ONE_NODE);
    await().atMost(SETTLE).until(() -> status(id).state() == BlockState.RUNNING);
    // Slurm enforces time limits on its own timer (about every 30 s) after the minute is up
    await().atMost(Duration.ofSeconds(180)).until(() -> status(id).isTerminal());
    BlockStatus s = status(id);
    assertThat(s.state()).as(s.message()).isEqualTo(BlockState.TIMEOUT);
    assertThat(s.message()).startsWith("TIMEOUT");
  }

  @Test
  void aPendingJobIsCancelledWithoutWaitingForTheGracePeriod() {
    provider("exec sleep 120", Map.of(), Json.object().put("gracePeriodSeconds", 60));
    // more nodes than the cluster has: the job waits in the queue for ever
    String tooBig = submit(new BlockRequest("hpc", 2, 1, null));
    await()
        .atMost(SETTLE)
        .until(
            () ->
                status(tooBig).message() != null
                    && status(tooBig).message().contains("PartitionNodeLimit"));
    assertThat(status(tooBig).state()).isEqualTo(BlockState.PENDING);
    assertThat(provider.files(tooBig).orElseThrow().env()).exists();

    provider.cancel(List.of(tooBig));
    await().atMost(SETTLE).until(() -> status(tooBig).state() == BlockState.CANCELLED);
    assertThat(provider.files(tooBig).orElseThrow().env()).doesNotExist();
  }

  @Test
  void aJobWaitingForItsBeginTimeIsPendingWithTheReason() {
    provider(
        "exec sleep 120", Map.of(), Json.object().put("schedulerOptions", "--begin=now+1hour"));
    String later = submit(ONE_NODE);
    await().atMost(SETTLE).until(() -> "PENDING (BeginTime)".equals(status(later).message()));
    provider.cancel(List.of(later));
    await().atMost(SETTLE).until(() -> status(later).state() == BlockState.CANCELLED);
  }

  @Test
  void cancelGivesARunningBlockSigtermAndTimeToStop() {
    Path said = work.resolve("said");
    provider(
        "trap 'echo got-term > "
            + said
            + "; exit 0' TERM; echo up > "
            + said
            + "; while :; do sleep 0.1; done",
        Map.of(),
        Json.object().put("gracePeriodSeconds", 20));
    String id = submit(ONE_NODE);
    await().atMost(SETTLE).until(() -> Files.exists(said) && Files.readString(said).equals("up\n"));
    provider.cancel(List.of(id));
    await().atMost(SETTLE).until(() -> status(id).state() == BlockState.CANCELLED);
    assertThat(said).hasContent("got-term");
  }

  @Test
  void aJobSlurmRefusesFailsTheSubmitWithSbatchsOutput() {
    provider("true", Map.of(), Json.object().put("partition", "no-such-partition"));
    assertThatThrownBy(() -> submit(ONE_NODE))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.getMessage())
                  .startsWith("sbatch refused the block's job: 'sbatch --parsable ")
                  .contains("invalid partition specified: no-such-partition");
              assertThat(e.details().get("command").get(0).asText()).isEqualTo("sbatch");
              assertThat(e.details().get("exitCode").asInt()).isEqualTo(1);
              assertThat(e.details().get("stderr").asText())
                  .contains("Batch job submission failed: Invalid partition name specified");
            });
  }

  private static List<String> commandLinesOfAllProcesses() throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          out.add(new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8));
        } catch (IOException gone) {
          // the process ended meanwhile
        }
      }
    }
    return out;
  }
}
