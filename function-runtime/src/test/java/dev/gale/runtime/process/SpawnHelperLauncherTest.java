package dev.gale.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The spawn helper with real programs: what it reports, how it kills, how it survives death. */
@Timeout(120)
class SpawnHelperLauncherTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @TempDir Path dir;
  ScheduledExecutorService timer;
  SpawnHelperLauncher launcher;

  @BeforeEach
  void setUp() {
    timer = Executors.newSingleThreadScheduledExecutor();
    launcher =
        new SpawnHelperLauncher("python3", dir.resolve("spawn"), new ProcessBuilderLauncher());
  }

  @AfterEach
  void tearDown() {
    launcher.close();
    timer.shutdownNow();
  }

  private ProcessOutcome run(ProcessLauncher l, String script) throws Exception {
    return l.launch(List.of("sh", "-c", script), dir, Map.of(), 65536).waitFor();
  }

  private LaunchedProcess start(String script) throws IOException {
    return launcher.launch(List.of("sh", "-c", script), dir, Map.of(), 65536);
  }

  private long awaitPid(String file) {
    Path p = dir.resolve(file);
    Awaitility.await().atMost(PATIENCE).until(() -> Files.exists(p) && Files.size(p) > 1);
    try {
      return Long.parseLong(Files.readString(p).trim());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean runs(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  void programRunsUnderTheHelperInItsDirectoryWithTheAddedEnvironment() throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    LaunchedProcess p =
        launcher.launch(
            List.of("sh", "-c", "pwd; echo \"$FOO\"; echo \"$PPID\"; echo oops >&2; exit 3"),
            work,
            Map.of("FOO", "bar baz"),
            65536);
    ProcessOutcome outcome = p.waitFor();
    assertThat(outcome.lost()).isNull();
    assertThat(outcome.exitCode()).isEqualTo(3);
    assertThat(outcome.stdout())
        .isEqualTo(work.toRealPath() + "\nbar baz\n" + launcher.helperPid() + "\n");
    assertThat(outcome.stderr()).isEqualTo("oops\n");
    assertThat(outcome.truncated()).isFalse();
    assertThat(launcher.helperPid()).isPositive().isNotEqualTo(ProcessHandle.current().pid());
  }

  @Test
  void stdinIsEmptyAndArgumentsAreNotInterpreted() throws Exception {
    LaunchedProcess p =
        launcher.launch(
            List.of("sh", "-c", "cat; printf '%s|' \"$@\"", "sh", "a b", "$(id)", "*"),
            dir,
            Map.of(),
            65536);
    ProcessOutcome outcome = p.waitFor();
    assertThat(outcome.stdout()).isEqualTo("a b|$(id)|*|");
  }

  @Test
  void aSignalEndsWithTheSameCodeAsProcessBuilderReports() throws Exception {
    try (ProcessBuilderLauncher jvm = new ProcessBuilderLauncher()) {
      for (String script : List.of("kill -TERM $$", "kill -KILL $$", "exit 255", "exit 0")) {
        assertThat(run(launcher, script).exitCode())
            .as(script)
            .isEqualTo(run(jvm, script).exitCode());
      }
    }
    assertThat(run(launcher, "kill -TERM $$").exitCode()).isEqualTo(143);
  }

  @Test
  void programsStartWithTheSignalDispositionsProcessBuilderGives() throws Exception {
    // python ignores SIGPIPE (and the helper SIGINT); that must not reach the programs. (The
    // blocked mask differs on purpose: the JVM's children inherit a blocked SIGQUIT, the helper's
    // start with none blocked.)
    List<String> argv = List.of("grep", "^SigIgn", "/proc/self/status");
    try (ProcessBuilderLauncher jvm = new ProcessBuilderLauncher()) {
      String fromJvm = jvm.launch(argv, dir, Map.of(), 1000).waitFor().stdout();
      String fromHelper = launcher.launch(argv, dir, Map.of(), 1000).waitFor().stdout();
      assertThat(fromHelper).contains("SigIgn").isEqualTo(fromJvm);
    }
  }

  @Test
  void outputBeyondTheLimitIsDroppedAndMarkedWithoutBlockingTheProgram() throws Exception {
    LaunchedProcess p =
        launcher.launch(
            List.of("sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' a; echo end >&2"),
            dir,
            Map.of(),
            1000);
    ProcessOutcome outcome = p.waitFor();
    assertThat(outcome.exitCode()).isZero();
    assertThat(outcome.stdout()).hasSize(1000).matches("a+");
    assertThat(outcome.stderr()).isEqualTo("end\n");
    assertThat(outcome.truncated()).isTrue();
  }

  @Test
  void aProgramThatCannotStartFailsTheLaunchWithItsError() throws Exception {
    assertThatThrownBy(
            () -> launcher.launch(List.of("/no/such/program"), dir, Map.of(), 100).waitFor())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("error=2")
        .hasMessageContaining("No such file");
    assertThatThrownBy(
            () -> launcher.launch(List.of("true"), dir.resolve("missing"), Map.of(), 100).waitFor())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("error=2");
    long helper = launcher.helperPid();
    assertThatThrownBy(() -> launcher.launch(List.of("echo", "a\0b"), dir, Map.of(), 100).waitFor())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("null");
    assertThatThrownBy(
            () -> launcher.launch(List.of("echo", "bad \uD800 text"), dir, Map.of(), 100).waitFor())
        .isInstanceOf(IOException.class);
    assertThat(launcher.helperPid()).as("the helper survives bad requests").isEqualTo(helper);
    assertThat(run(launcher, "echo fine").stdout()).isEqualTo("fine\n");
  }

  @Test
  void killEndsTheWholeTreeEvenProgramsThatIgnoreSigtermOrLeftTheGroup() throws Exception {
    LaunchedProcess p =
        start(
            "trap '' TERM; sleep 100 & echo $! > bg.pid; setsid sleep 100 & echo $! > sid.pid;"
                + " echo $$ > sh.pid; sleep 100");
    long sh = awaitPid("sh.pid");
    long bg = awaitPid("bg.pid");
    long sid = awaitPid("sid.pid");
    Awaitility.await().atMost(PATIENCE).until(() -> runs(sid) && runs(bg));
    p.kill(Duration.ofMillis(300), timer);
    ProcessOutcome outcome = p.waitFor();
    assertThat(outcome.exitCode()).as("sh ignores SIGTERM: SIGKILL ends it").isEqualTo(137);
    Awaitility.await().atMost(PATIENCE).until(() -> !runs(sh) && !runs(bg) && !runs(sid));
  }

  @Test
  void aKillSentRightAfterTheLaunchEndsTheProgram() throws Exception {
    // launches are pipelined: the kill may reach the launcher before the helper reported the pid
    for (int i = 0; i < 5; i++) {
      LaunchedProcess p = launcher.launch(List.of("sleep", "100"), dir, Map.of(), 100);
      p.kill(Duration.ofSeconds(5), timer);
      assertThat(p.waitFor().exitCode()).isEqualTo(143);
    }
  }

  @Test
  void manyLaunchesInFlightFromOneThreadEachGetTheirOwnOutcome() throws Exception {
    List<LaunchedProcess> launched = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      launched.add(launcher.launch(List.of("sh", "-c", "echo " + i), dir, Map.of(), 100));
    }
    for (int i = 0; i < launched.size(); i++) {
      assertThat(launched.get(i).waitFor().stdout()).isEqualTo(i + "\n");
    }
  }

  @Test
  void aBackgroundChildHoldingThePipesDoesNotHoldBackTheOutcome() throws Exception {
    LaunchedProcess p = start("sleep 60 & echo $! > bg.pid; echo started");
    ProcessOutcome outcome = p.waitFor();
    assertThat(outcome.exitCode()).isZero();
    assertThat(outcome.stdout()).isEqualTo("started\n");
    ProcessHandle.of(awaitPid("bg.pid")).ifPresent(ProcessHandle::destroyForcibly);
  }

  @Test
  void concurrentProgramsEachGetTheirOwnOutcome() throws Exception {
    ExecutorService slots = Executors.newFixedThreadPool(4);
    try {
      List<Future<ProcessOutcome>> futures = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String id = "p" + i;
        futures.add(
            slots.submit(
                () ->
                    launcher
                        .launch(
                            List.of("sh", "-c", "echo $0; sleep 0.05; echo $0 >&2; exit 7", id),
                            dir,
                            Map.of("ID", id),
                            100)
                        .waitFor()));
      }
      for (int i = 0; i < futures.size(); i++) {
        ProcessOutcome outcome = futures.get(i).get();
        assertThat(outcome.stdout()).isEqualTo("p" + i + "\n");
        assertThat(outcome.stderr()).isEqualTo("p" + i + "\n");
        assertThat(outcome.exitCode()).isEqualTo(7);
      }
    } finally {
      slots.shutdownNow();
    }
  }

  @Test
  void helperDeathKillsItsProgramsReportsThemLostAndTheNextLaunchStartsANewHelper()
      throws Exception {
    LaunchedProcess p = start("echo $$ > sh.pid; sleep 100 & echo $! > bg.pid; wait");
    long sh = awaitPid("sh.pid");
    long bg = awaitPid("bg.pid");
    long helper = launcher.helperPid();
    assertThat(helper).isPositive();
    ProcessHandle.of(helper).orElseThrow().destroyForcibly();

    ProcessOutcome outcome = p.waitFor();
    assertThat(outcome.lost()).contains("spawn helper died");
    Awaitility.await().atMost(PATIENCE).until(() -> !runs(sh) && !runs(bg));

    ProcessOutcome next = run(launcher, "echo again");
    assertThat(next.stdout()).isEqualTo("again\n");
    assertThat(launcher.helperPid()).isPositive().isNotEqualTo(helper);
  }

  @Test
  void closingTheLauncherKillsTheProgramsItRuns() throws Exception {
    LaunchedProcess p = start("echo $$ > sh.pid; sleep 100");
    long sh = awaitPid("sh.pid");
    launcher.close();
    Awaitility.await().atMost(PATIENCE).until(() -> !runs(sh));
    assertThat(p.waitFor().exitCode()).isNotZero();
  }

  @Test
  void withoutAUsablePythonProgramsAreStartedFromTheJvm() throws Exception {
    try (SpawnHelperLauncher broken =
        new SpawnHelperLauncher(
            "/no/such/python3", dir.resolve("spawn2"), new ProcessBuilderLauncher())) {
      for (int i = 0; i < 3; i++) {
        ProcessOutcome outcome = run(broken, "echo $PPID");
        assertThat(outcome.stdout()).isEqualTo(ProcessHandle.current().pid() + "\n");
      }
      assertThat(broken.helperPid()).isEqualTo(-1);
    }
  }
}
