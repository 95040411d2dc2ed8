package dev.gale.runtime.kinds.shell;

import static dev.gale.runtime.testfn.Attempts.attempt;
import static dev.gale.runtime.testfn.Attempts.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.InvalidRequestException;
import dev.gale.runtime.process.SpawnHelperLauncher;
import dev.gale.runtime.spi.ArtifactSource;
import dev.gale.runtime.spi.Attempt;
import dev.gale.runtime.spi.AttemptOutcome;
import dev.gale.runtime.spi.Cancellation;
import dev.gale.runtime.spi.KindEnvironment;
import dev.gale.runtime.spi.Limits;
import dev.gale.runtime.spi.PreparedFunction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellKindTest {
  @TempDir Path dir;
  ScheduledExecutorService timer;
  ShellKind kind;

  @BeforeEach
  void setUp() {
    timer = Executors.newSingleThreadScheduledExecutor();
    kind =
        new ShellKind(
            new KindEnvironment(dir, 2, "python3", ArtifactSource.NONE, timer), spawnMode());
  }

  /** How the kind under test starts programs; see {@link ShellKind#SPAWN_PROPERTY}. */
  String spawnMode() {
    return "helper";
  }

  @AfterEach
  void tearDown() {
    kind.close();
    timer.shutdownNow();
  }

  private AttemptOutcome run(String specJson, String args) throws Exception {
    return kind.prepare(spec("shell", specJson)).run(attempt(dir, args));
  }

  private static JsonNode result(AttemptOutcome outcome) {
    assertThat(outcome.ok()).as("outcome %s", outcome).isTrue();
    return ((AttemptOutcome.Success) outcome).result().toTree();
  }

  private static dev.gale.api.ErrorInfo error(AttemptOutcome outcome) {
    assertThat(outcome.ok()).as("outcome %s", outcome).isFalse();
    return ((AttemptOutcome.Failure) outcome).error();
  }

  @Test
  void successReturnsExitCodeStdoutAndStderr() throws Exception {
    JsonNode r = result(run("{\"command\":[\"sh\",\"-c\",\"echo out; echo err >&2\"]}", "{}"));
    assertThat(r.get("exitCode").asInt()).isZero();
    assertThat(r.get("stdout").asText()).isEqualTo("out\n");
    assertThat(r.get("stderr").asText()).isEqualTo("err\n");
    assertThat(r.get("truncated").asBoolean()).isFalse();
  }

  @Test
  void hostileArgumentReachesTheProgramAsOneArgument() throws Exception {
    JsonNode r =
        result(
            run(
                "{\"command\":[\"printf\",\"[%s]\\\\n\",\"{s}\"]}",
                "{\"s\":\"x; rm -rf / && echo pwned $(id)\"}"));
    assertThat(r.get("stdout").asText()).isEqualTo("[x; rm -rf / && echo pwned $(id)]\n");
  }

  @Test
  void nonZeroExitFailsWithTheResultAsDetails() throws Exception {
    var e = error(run("{\"command\":[\"sh\",\"-c\",\"echo partial; exit 3\"]}", "{}"));
    assertThat(e.code()).isEqualTo("nonzero_exit");
    assertThat(e.message()).contains("exited with code 3");
    assertThat(e.details().get("exitCode").asInt()).isEqualTo(3);
    assertThat(e.details().get("stdout").asText()).isEqualTo("partial\n");
  }

  @Test
  void outputBeyondTheLimitIsDroppedWithoutBlockingTheProgram() throws Exception {
    PreparedFunction f =
        kind.prepare(
            spec(
                "shell",
                "{\"command\":[\"sh\",\"-c\",\"yes a | head -c 3000000; echo done >&2\"]}"));
    Attempt a = attempt(dir, "{}", new Cancellation(), new Limits(1 << 20, 1000));
    JsonNode r = result(f.run(a));
    assertThat(r.get("stdout").asText()).hasSize(1000).matches("(a\n)+");
    assertThat(r.get("stderr").asText()).isEqualTo("done\n");
    assertThat(r.get("truncated").asBoolean()).isTrue();
  }

  @Test
  void missingProgramFailsWithExecFailed() throws Exception {
    var e = error(run("{\"command\":[\"no-such-program-xyz\",\"a\"]}", "{}"));
    assertThat(e.code()).isEqualTo("exec_failed");
    assertThat(e.message()).contains("no-such-program-xyz");
  }

  @Test
  void placeholderWithoutArgumentFailsWithInvalidArgs() throws Exception {
    var e = error(run("{\"command\":[\"seq\",\"{n}\"]}", "{\"m\":1}"));
    assertThat(e.code()).isEqualTo("invalid_args");
    assertThat(e.message()).contains("'n'");
    assertThat(e.details().get("argument").asText()).isEqualTo("n");
  }

  @Test
  void runsInAFreshWorkDirectoryWithTheSpecEnvironment() throws Exception {
    Attempt a = attempt(dir, "{}");
    PreparedFunction f =
        kind.prepare(
            spec(
                "shell",
                "{\"command\":[\"sh\",\"-c\",\"pwd; echo $FOO; echo $GALE_TASK_ID\"],"
                    + "\"env\":{\"FOO\":\"bar\"}}"));
    JsonNode r = result(f.run(a));
    assertThat(r.get("stdout").asText())
        .isEqualTo(a.workDirPath().toRealPath() + "\nbar\n" + a.taskId() + "\n");
  }

  @Test
  void timeoutKillsTheWholeProcessTree() throws Exception {
    Cancellation cancellation = new Cancellation();
    Attempt a = attempt(dir, "{}", cancellation, Limits.DEFAULT);
    PreparedFunction f =
        kind.prepare(
            spec(
                "shell",
                "{\"command\":[\"sh\",\"-c\","
                    + "\"sleep 100 & echo $! > bg.pid; echo $$ > sh.pid; sleep 100; echo never\"]}"));
    // the timeout fires once the tree is complete (a fixed delay would race a slow start)
    Thread timeout =
        new Thread(
            () -> {
              Awaitility.await()
                  .atMost(Duration.ofSeconds(60))
                  .until(() -> Files.exists(a.workDirPath().resolve("sh.pid")));
              cancellation.cancel(Cancellation.Reason.TIMEOUT);
            });
    timeout.start();
    var outcome = f.run(a);
    timeout.join();
    var e = error(outcome);
    assertThat(e.code()).isEqualTo("timeout");
    long bg = Long.parseLong(Files.readString(a.workDirPath().resolve("bg.pid")).trim());
    long sh = Long.parseLong(Files.readString(a.workDirPath().resolve("sh.pid")).trim());
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !runs(bg) && !runs(sh));
  }

  @Test
  void cancellationStopsTheCommandPromptly() throws Exception {
    Cancellation cancellation = new Cancellation();
    Attempt a = attempt(dir, "{}", cancellation, Limits.DEFAULT);
    PreparedFunction f =
        kind.prepare(
            spec("shell", "{\"command\":[\"sh\",\"-c\",\"echo $$ > sh.pid; exec sleep 100\"]}"));
    java.util.concurrent.atomic.AtomicLong cancelledAt =
        new java.util.concurrent.atomic.AtomicLong();
    // cancel once the program runs (starting it may take long on a loaded machine)
    Thread canceller =
        new Thread(
            () -> {
              Awaitility.await()
                  .atMost(Duration.ofSeconds(60))
                  .until(() -> Files.exists(a.workDirPath().resolve("sh.pid")));
              cancelledAt.set(System.nanoTime());
              cancellation.cancel(Cancellation.Reason.CANCELLED);
            });
    canceller.start();
    assertThat(error(f.run(a)).code()).isEqualTo("cancelled");
    canceller.join();
    // the semantic under test: a cancelled program is gone within the 2 s kill grace
    assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt.get()))
        .isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void aTaskWhoseSpawnHelperDiesFailsWithProcessDiedAndLaterTasksRun() throws Exception {
    assumeTrue(spawnMode().equals("helper"), "only programs started by the helper");
    Attempt a = attempt(dir, "{}", new Cancellation(), Limits.DEFAULT);
    PreparedFunction f =
        kind.prepare(
            spec("shell", "{\"command\":[\"sh\",\"-c\",\"echo $$ > sh.pid; sleep 100\"]}"));
    ExecutorService slot = Executors.newSingleThreadExecutor();
    try {
      Future<AttemptOutcome> running = slot.submit(() -> f.run(a));
      Path pidFile = a.workDirPath().resolve("sh.pid");
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Files.exists(pidFile) && Files.size(pidFile) > 1);
      long sh = Long.parseLong(Files.readString(pidFile).trim());
      long helper = ((SpawnHelperLauncher) kind.launcher()).helperPid();
      ProcessHandle.of(helper).orElseThrow().destroyForcibly();

      var e = error(running.get(30, TimeUnit.SECONDS));
      assertThat(e.code()).isEqualTo("process_died");
      assertThat(e.message()).contains("spawn helper died");
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !runs(sh));
    } finally {
      slot.shutdownNow();
    }
    assertThat(result(run("{\"command\":[\"echo\",\"ok\"]}", "{}")).path("stdout").asText())
        .isEqualTo("ok\n");
    assertThat(((SpawnHelperLauncher) kind.launcher()).helperPid()).isPositive();
  }

  @Test
  void invalidSpecsAreRejectedNamingTheField() {
    assertThatThrownBy(() -> kind.prepare(spec("shell", "{\"command\":[]}")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("command")
        .extracting(e -> ((InvalidRequestException) e).code())
        .isEqualTo("invalid_function");
    assertThatThrownBy(() -> kind.prepare(spec("shell", "{\"command\":[\"echo\", 3]}")))
        .hasMessageContaining("command[1]");
    assertThatThrownBy(() -> kind.prepare(spec("shell", "{\"command\":[\"echo\", \"{x\"]}")))
        .hasMessageContaining("not closed");
    assertThatThrownBy(
            () -> kind.prepare(spec("shell", "{\"command\":[\"echo\"],\"env\":{\"A\":{}}}")))
        .hasMessageContaining("env");
  }

  /** Alive and not a zombie (a killed child may wait for a reaper that never comes here). */
  static boolean runs(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      String s = Files.readString(stat);
      char state = s.charAt(s.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
