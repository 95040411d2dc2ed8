package dev.gale.scaler.pbs;

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
import dev.gale.scaler.batch.CommandResult;
import dev.gale.scaler.batch.FakeRunner;
import dev.gale.scaler.batch.NativeStatus;
import dev.gale.scaler.batch.OptionReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider's decisions over scripted command output; the real commands are in the ITs. */
class PbsProviderTest {
  private static final BlockRequest REQ = new BlockRequest("hpc", 1, 2, Duration.ofHours(1));
  private static final BlockCommand AGENT =
      new BlockCommand(List.of("gale", "worker"), Map.of("GALE_WORKER_TOKEN", "s3cret"));

  @TempDir Path work;
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-01-01T10:00:00Z"));
  private final FakeRunner runner = new FakeRunner(argv -> ok(argv, "77.server\n"));

  private PbsProvider provider(String options) {
    PbsOptions o = PbsOptions.read(new OptionReader(Json.readTree(options), "pbs"), work);
    return new PbsProvider(AGENT, o, runner, now::get);
  }

  private static Function<List<String>, CommandResult> qstat(String listing) {
    return argv -> argv.get(0).equals("qstat") ? ok(argv, listing) : ok(argv, "");
  }

  private static String job(String state, String... attrs) {
    return "Job Id: 77.server\n    job_state = "
        + state
        + "\n"
        + String.join("", java.util.Arrays.stream(attrs).map(a -> "    " + a + "\n").toList());
  }

  @Test
  void submitRunsQsubWithTheOutputFileAndKeepsTheJobIdAsPrinted() throws Exception {
    PbsProvider p = provider("{}");
    String id = p.submit(REQ);
    BlockFiles f = p.files(id).orElseThrow();
    assertThat(id).startsWith("pbs-");
    assertThat(p.jobId(id)).contains("77.server");
    assertThat(runner.takeRan())
        .containsExactly(
            List.of("qsub", "-o", f.output().toString(), "-j", "oe", f.script().toString()));
    assertThat(Files.readString(f.script()))
        .contains("#PBS -l walltime=01:00:00")
        .doesNotContain("s3cret");
    assertThat(Files.readString(f.env())).isEqualTo("export GALE_WORKER_TOKEN='s3cret'\n");
  }

  @Test
  void aRefusedQsubCarriesItsOutput() {
    runner.answer(
        argv ->
            new CommandResult(
                argv, 1, "There was an error running the Slurm sbatch command.\n", ""));
    assertThatThrownBy(() -> provider("{}").submit(REQ))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.getMessage())
                  .startsWith("qsub refused the block's job: 'qsub -o ")
                  .endsWith(
                      "exited with code 1: There was an error running the Slurm sbatch command.");
              assertThat(e.details().get("stdout").asText()).contains("sbatch");
            });
  }

  @Test
  void readsQueuedAndRunningJobsWithTheServersComment() {
    PbsProvider p = provider("{}");
    String id = p.submit(REQ);
    runner.answer(qstat(job("Q", "comment = Not Running: Insufficient amount of resource")));
    BlockStatus s = p.status(List.of(id)).get(id);
    assertThat(s.state()).isEqualTo(BlockState.PENDING);
    assertThat(s.message()).isEqualTo("job_state=Q: Not Running: Insufficient amount of resource");
    assertThat(s.since()).isEqualTo(now.get());
    now.set(now.get().plusSeconds(5));
    runner.answer(qstat(job("R")));
    assertThat(p.status(List.of(id)).get(id))
        .isEqualTo(new BlockStatus(BlockState.RUNNING, "job_state=R", now.get()));
    now.set(now.get().plusSeconds(5));
    assertThat(p.status(List.of(id)).get(id).since())
        .as("the state's start, not the last poll")
        .isEqualTo(now.get().minusSeconds(5));
  }

  @Test
  void anEndedJobIsJudgedByTheExitCodeItsScriptLeft() throws Exception {
    PbsProvider p = provider("{}");
    String good = p.submit(REQ);
    String bad = p.submit(REQ);
    Files.writeString(p.files(good).orElseThrow().exit(), "0\n");
    Files.writeString(p.files(bad).orElseThrow().exit(), "3\n");
    Files.writeString(
        p.files(bad).orElseThrow().output(), "starting\nagent: cannot reach gateway\n");
    runner.answer(qstat(job("C")));
    Map<String, BlockStatus> s = p.status(List.of(good, bad));
    assertThat(s.get(good).state()).isEqualTo(BlockState.COMPLETED);
    assertThat(s.get(good).message()).isEqualTo("job_state=C, exit status 0");
    assertThat(s.get(bad).state()).isEqualTo(BlockState.FAILED);
    assertThat(s.get(bad).message())
        .startsWith("job_state=C, exit status 3; output ")
        .endsWith("ends with:\nstarting\nagent: cannot reach gateway");
  }

  @Test
  void anExitStatusFromQstatWinsAndAJobThatUsedItsWalltimeTimedOut() throws Exception {
    PbsProvider p = provider("{}");
    String id = p.submit(REQ);
    runner.answer(qstat(job("C", "exit_status = 271", "resources_used.walltime = 01:00:02")));
    BlockStatus s = p.status(List.of(id)).get(id);
    assertThat(s.state()).isEqualTo(BlockState.TIMEOUT);
    assertThat(s.message())
        .isEqualTo("job_state=C, exit status 271, ran 01:00:02 of 01:00:00 (its walltime)");
  }

  @Test
  void aJobThatVanishedIsJudgedByItsExitFileOrByHowLongItWasSeenRunning() throws Exception {
    PbsProvider p = provider("{}");
    String finished = p.submit(REQ);
    String killed = p.submit(REQ);
    String walltime = p.submit(REQ);
    String neverSeen = p.submit(REQ);
    runner.answer(qstat(job("R")));
    p.status(List.of(killed, walltime));
    Files.writeString(p.files(finished).orElseThrow().exit(), "0");
    now.set(now.get().plus(Duration.ofMinutes(59).plusSeconds(30)));
    // Torque forgets finished jobs at once; an unknown id makes qstat exit with 153
    runner.answer(argv -> failed(argv, 153, "qstat: Unknown Job Id 77.server\n"));
    Map<String, BlockStatus> s = p.status(List.of(finished, walltime, neverSeen));
    assertThat(s.get(finished).state()).isEqualTo(BlockState.COMPLETED);
    assertThat(s.get(walltime).state()).isEqualTo(BlockState.TIMEOUT);
    assertThat(s.get(walltime).message())
        .isEqualTo("gone from qstat, no exit status, ran 00:59:30 of 01:00:00 (its walltime)");
    assertThat(s.get(neverSeen).state()).isEqualTo(BlockState.MISSING);
    assertThat(s.get(neverSeen).message()).isEqualTo("PBS no longer knows job 77.server");

    // the same vanishing long before the walltime is a failure
    PbsProvider q = provider("{}");
    runner.answer(argv -> ok(argv, "78\n"));
    String early = q.submit(REQ);
    runner.answer(argv -> ok(argv, "Job Id: 78\n    job_state = R\n"));
    q.status(List.of(early));
    now.set(now.get().plusSeconds(60));
    runner.answer(argv -> ok(argv, ""));
    BlockStatus e = q.status(List.of(early)).get(early);
    assertThat(e.state()).isEqualTo(BlockState.FAILED);
    assertThat(e.message())
        .startsWith(
            "gone from qstat, no exit status (killed, or its files are not shared?), ran 00:01:00"
                + " of 01:00:00; no output at ");
  }

  @Test
  void aQstatThatCannotReachTheServerFailsTheStatus() {
    PbsProvider p = provider("{}");
    String id = p.submit(REQ);
    runner.answer(
        argv ->
            failed(
                argv, 1, "Connection refused\nqstat: cannot connect to server head (errno=111)"));
    assertThatThrownBy(() -> p.status(List.of(id)))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.getMessage()).startsWith("qstat failed: 'qstat -f 77.server'");
              assertThat(e.isRetryable()).isTrue();
            });
  }

  @Test
  void cancelIsQdelAndAQdelThatFailsForEndedJobsIsNoFailure() {
    PbsProvider p = provider("{}");
    String a = p.submit(REQ);
    runner.takeRan();
    runner.answer(argv -> argv.get(0).equals("qdel") ? failed(argv, 1, "") : ok(argv, job("C")));
    p.cancel(List.of(a));
    assertThat(runner.takeRan())
        .containsExactly(List.of("qdel", "77.server"), List.of("qstat", "-f", "77.server"));
    assertThat(p.status(List.of(a)).get(a).state()).isEqualTo(BlockState.CANCELLED);

    runner.answer(argv -> ok(argv, "77.server\n"));
    String b = p.submit(REQ);
    runner.answer(
        argv ->
            argv.get(0).equals("qdel")
                ? failed(argv, 1, "qdel: Unauthorized Request  MSG=operation not permitted")
                : ok(argv, job("R")));
    assertThatThrownBy(() -> p.cancel(List.of(b)))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> assertThat(e.details().get("stderr").asText()).contains("Unauthorized"));
  }

  @Test
  void judgesEndedJobs() {
    Duration hour = Duration.ofHours(1);
    assertThat(PbsProvider.ended("x", 0, Duration.ofHours(2), hour).state())
        .isEqualTo(BlockState.COMPLETED);
    assertThat(PbsProvider.ended("x", 1, Duration.ofMinutes(10), hour).state())
        .isEqualTo(BlockState.FAILED);
    assertThat(PbsProvider.ended("x", 1, Duration.ofMinutes(59).plusSeconds(1), hour).state())
        .isEqualTo(BlockState.TIMEOUT);
    assertThat(PbsProvider.ended("x", null, null, hour))
        .isEqualTo(
            new NativeStatus(
                BlockState.FAILED,
                "x, no exit status (killed, or its files are not shared?)",
                null));
    assertThat(PbsProvider.ended("x", null, Duration.ofMinutes(58), hour).state())
        .isEqualTo(BlockState.FAILED);
  }
}
