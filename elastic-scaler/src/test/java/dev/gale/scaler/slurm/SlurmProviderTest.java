package dev.gale.scaler.slurm;

import static dev.gale.scaler.batch.FakeRunner.failed;
import static dev.gale.scaler.batch.FakeRunner.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.Json;
import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.BlockRequest;
import dev.gale.scaler.BlockState;
import dev.gale.scaler.BlockStatus;
import dev.gale.scaler.ProviderException;
import dev.gale.scaler.batch.BlockFiles;
import dev.gale.scaler.batch.FakeRunner;
import dev.gale.scaler.batch.OptionReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider's decisions over scripted command output; the real Slurm is in the other tests. */
class SlurmProviderTest {
  private static final BlockRequest REQ = BlockRequest.of("hpc", 2);
  private static final BlockCommand AGENT =
      new BlockCommand(
          List.of("gale", "worker", "--block", "{block}"),
          Map.of("GALE_WORKER_TOKEN", "secret-token-{pool}", "GALE_URL", "http://gw:8080"));

  @TempDir Path work;

  private final FakeRunner runner =
      new FakeRunner(argv -> argv.get(0).equals("sbatch") ? ok(argv, "42\n") : ok(argv, ""));

  private SlurmProvider provider(String options) {
    SlurmOptions o = SlurmOptions.read(new OptionReader(Json.readTree(options), "slurm"), work);
    return new SlurmProvider(AGENT, o, runner, InstantSource.system(), ZoneId.of("UTC"));
  }

  private static boolean is(List<String> argv, String program) {
    return argv.get(0).equals(program);
  }

  @Test
  void submitWritesTheScriptAndAPrivateEnvironmentFileAndSubmitsTheScript() throws Exception {
    runner.answer(argv -> ok(argv, "42;cluster1\n"));
    SlurmProvider p = provider("{}");
    String id = p.submit(REQ);
    assertThat(id).startsWith("slurm-");
    assertThat(p.jobId(id)).contains("42");
    BlockFiles f = p.files(id).orElseThrow();
    assertThat(runner.takeRan())
        .containsExactly(List.of("sbatch", "--parsable", f.script().toString()));
    String script = Files.readString(f.script());
    assertThat(script).contains("'--block' '" + id + "'").doesNotContain("secret-token");
    assertThat(Files.getPosixFilePermissions(f.script()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.readString(f.env()))
        .isEqualTo(
            "export GALE_URL='http://gw:8080'\nexport GALE_WORKER_TOKEN='secret-token-hpc'\n");
    assertThat(Files.getPosixFilePermissions(f.env()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(p.submit(REQ)).isNotEqualTo(id);
  }

  @Test
  void theRequestsWalltimeWinsOverTheOptionWhichWinsOverTheDefault() throws Exception {
    SlurmProvider p = provider("{\"walltime\": \"00:20:00\"}");
    String a = p.submit(REQ);
    String b = p.submit(new BlockRequest("hpc", 1, 2, Duration.ofMinutes(45)));
    String c = provider("{}").submit(REQ);
    assertThat(Files.readString(p.files(a).orElseThrow().script())).contains("--time=00:20:00\n");
    assertThat(Files.readString(p.files(b).orElseThrow().script())).contains("--time=00:45:00\n");
    assertThat(Files.readString(work.resolve("slurm").resolve(c + ".sh")))
        .contains("--time=01:00:00\n");
  }

  @Test
  void aRefusedSubmitCarriesTheCommandItsExitCodeAndOutputAndLeavesNoSecretBehind()
      throws Exception {
    runner.answer(
        argv ->
            failed(
                argv,
                1,
                "sbatch: error: Batch job submission failed: Invalid partition name specified\n"));
    SlurmProvider p = provider("{\"partition\": \"nope\"}");
    assertThatThrownBy(() -> p.submit(REQ))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.getMessage())
                  .startsWith("sbatch refused the block's job: 'sbatch --parsable ")
                  .endsWith(
                      "exited with code 1: sbatch: error: Batch job submission failed:"
                          + " Invalid partition name specified");
              assertThat(e.isRetryable()).isFalse();
              assertThat(e.details().get("command").get(0).asText()).isEqualTo("sbatch");
              assertThat(e.details().get("exitCode").asInt()).isEqualTo(1);
              assertThat(e.details().get("stdout").asText()).isEmpty();
              assertThat(e.details().get("stderr").asText()).contains("Invalid partition name");
            });
    try (var files = Files.list(work.resolve("slurm"))) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".env"));
    }
  }

  @Test
  void anUnreachableControllerIsRetryable() {
    runner.answer(
        argv ->
            failed(argv, 1, "sbatch: error: Unable to contact slurm controller (connect failure)"));
    assertThatThrownBy(() -> provider("{}").submit(REQ))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.isRetryable()).isTrue());
  }

  @Test
  void anSbatchThatPrintsNoJobIdIsAFailure() {
    runner.answer(argv -> ok(argv, "Submitted batch job\n"));
    assertThatThrownBy(() -> provider("{}").submit(REQ))
        .isInstanceOf(ProviderException.class)
        .hasMessageStartingWith("sbatch printed no job id");
  }

  @Test
  void statusAsksSqueueThenScontrolForJobsThatLeftItAndRemembersFinalStates() {
    SlurmProvider p = provider("{}");
    runner.answer(argv -> ok(argv, "41\n"));
    String running = p.submit(REQ);
    runner.answer(argv -> ok(argv, "42\n"));
    String failed = p.submit(REQ);
    runner.answer(argv -> ok(argv, "43\n"));
    String purged = p.submit(REQ);
    runner.takeRan();
    runner.answer(
        argv -> {
          if (is(argv, "squeue")) {
            return ok(argv, "41|RUNNING|None|2026-01-01T10:00:00|2026-01-01T10:00:01|NONE\n");
          }
          if (argv.contains("42")) {
            return ok(
                argv,
                "JobId=42 JobName=gale-hpc JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0"
                    + " EndTime=2026-01-01T10:05:00\n");
          }
          return failed(argv, 1, "slurm_load_jobs error: Invalid job id specified\n");
        });
    Map<String, BlockStatus> s = p.status(List.of(running, failed, purged, "slurm-other-1"));
    assertThat(s).containsOnlyKeys(running, failed, purged, "slurm-other-1");
    assertThat(s.get(running).state()).isEqualTo(BlockState.RUNNING);
    assertThat(s.get(running).since()).hasToString("2026-01-01T10:00:01Z");
    assertThat(s.get(failed).state()).isEqualTo(BlockState.FAILED);
    assertThat(s.get(failed).message())
        .startsWith("FAILED (NonZeroExitCode), exit code 3; no output at ")
        .endsWith(failed + ".out");
    assertThat(s.get(purged).state()).isEqualTo(BlockState.MISSING);
    assertThat(s.get(purged).message()).isEqualTo("Slurm no longer knows job 43");
    assertThat(s.get("slurm-other-1").state()).isEqualTo(BlockState.MISSING);
    assertThat(runner.takeRan())
        .containsExactly(
            List.of("squeue", "--noheader", "--jobs=41,42,43", "--format=%i|%T|%r|%V|%S|%e"),
            List.of("scontrol", "--oneliner", "show", "job", "42"),
            List.of("scontrol", "--oneliner", "show", "job", "43"));

    // ended jobs are not asked about again, even once Slurm forgets them
    runner.answer(argv -> ok(argv, ""));
    Map<String, BlockStatus> again = p.status(List.of(failed, purged));
    assertThat(again.get(failed)).isEqualTo(s.get(failed));
    assertThat(again.get(purged)).isEqualTo(s.get(purged));
    assertThat(runner.takeRan()).isEmpty();
  }

  @Test
  void aJobAtItsWalltimeIsReportedTimeout() {
    SlurmProvider p = provider("{}");
    String id = p.submit(REQ);
    runner.answer(
        argv ->
            is(argv, "squeue")
                ? ok(argv, "")
                : ok(argv, "JobId=42 JobState=TIMEOUT Reason=TimeLimit ExitCode=0:15\n"));
    BlockStatus s = p.status(List.of(id)).get(id);
    assertThat(s.state()).isEqualTo(BlockState.TIMEOUT);
    assertThat(s.message()).isEqualTo("TIMEOUT (TimeLimit), exit code 0, signal 15");
  }

  @Test
  void aFailingSqueueFailsTheStatusWithItsOutput() {
    SlurmProvider p = provider("{}");
    String id = p.submit(REQ);
    runner.answer(
        argv ->
            failed(
                argv,
                1,
                "slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n"));
    assertThatThrownBy(() -> p.status(List.of(id)))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.getMessage()).startsWith("squeue failed: 'squeue --noheader");
              assertThat(e.isRetryable()).isTrue();
              assertThat(e.details().get("stderr").asText()).contains("Unable to contact");
            });
  }

  @Test
  void anSqueueLineThatCannotBeReadIsAProviderFailure() {
    SlurmProvider p = provider("{}");
    String id = p.submit(REQ);
    runner.answer(argv -> ok(argv, "42 RUNNING\n"));
    assertThatThrownBy(() -> p.status(List.of(id)))
        .isInstanceOf(ProviderException.class)
        .hasMessageStartingWith("squeue printed unexpected squeue line: 42 RUNNING: 'squeue");
  }

  @Test
  void cancelWithoutGraceIsOneScancelAndCancelledJobsReportCancelled() {
    SlurmProvider p = provider("{\"gracePeriodSeconds\": 0}");
    String a = p.submit(REQ);
    runner.takeRan();
    p.cancel(List.of(a, "slurm-unknown-9"));
    p.cancel(List.of(a));
    assertThat(runner.takeRan()).containsExactly(List.of("scancel", "42"));
    runner.answer(
        argv ->
            is(argv, "squeue")
                ? ok(argv, "")
                : ok(argv, "JobId=42 JobState=COMPLETED Reason=None ExitCode=0:0\n"));
    BlockStatus s = p.status(List.of(a)).get(a);
    assertThat(s.state()).isEqualTo(BlockState.CANCELLED);
    assertThat(s.message()).isEqualTo("cancelled; Slurm reports COMPLETED: COMPLETED, exit code 0");
  }

  @Test
  void cancelSignalsRunningJobsWaitsForThemAndThenCancels() {
    SlurmProvider p = provider("{\"gracePeriodSeconds\": 30}");
    String a = p.submit(REQ);
    runner.takeRan();
    runner.answer(argv -> ok(argv, ""));
    p.cancel(List.of(a));
    assertThat(runner.takeRan())
        .containsExactly(
            List.of("scancel", "--state=PENDING", "42"),
            List.of("scancel", "--state=RUNNING", "--signal=TERM", "--full", "42"),
            List.of("squeue", "--noheader", "--states=RUNNING", "--jobs=42", "--format=%i"),
            List.of("scancel", "42"));
  }

  @Test
  void cancellingJobsThatAlreadyEndedIsNoFailureButARefusalIs() {
    SlurmProvider p = provider("{\"gracePeriodSeconds\": 0}");
    String a = p.submit(REQ);
    String b = p.submit(REQ);
    runner.answer(
        argv ->
            failed(
                argv,
                1,
                "scancel: error: Kill job error on job id 42: Invalid job id specified\n"));
    p.cancel(List.of(a));
    runner.answer(
        argv ->
            failed(
                argv,
                1,
                "scancel: error: Kill job error on job id 42: Access/permission denied\n"));
    assertThatThrownBy(() -> p.cancel(List.of(b)))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> assertThat(e.details().get("stderr").asText()).contains("permission denied"));
    // the refused cancel can be tried again
    runner.answer(argv -> ok(argv, ""));
    runner.takeRan();
    p.cancel(List.of(b));
    assertThat(runner.takeRan()).containsExactly(List.of("scancel", "42"));
  }
}
