package dev.gale.scaler.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.scaler.ProviderException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessCommandRunnerTest {
  private final ProcessCommandRunner runner =
      new ProcessCommandRunner(
          ProcessCommandRunner.environment(System.getenv(), List.of(), Map.of("GREETING", "hi")),
          Duration.ofSeconds(20));

  @Test
  void returnsTheExitCodeAndBothStreamsWhateverTheExitCode() {
    CommandResult r = runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"));
    assertThat(r.command()).containsExactly("sh", "-c", "echo out; echo err >&2; exit 3");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.ok()).isFalse();
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.stderr()).isEqualTo("err\n");
  }

  @Test
  void commandsSeeOnlyTheChosenEnvironment() {
    Map<String, String> parent =
        Map.of("PATH", "/usr/bin:/bin", "HOME", "/root", "AWS_SECRET_ACCESS_KEY", "x", "K", "k");
    Map<String, String> env =
        ProcessCommandRunner.environment(parent, List.of("K"), Map.of("SLURM_CONF", "/c"));
    assertThat(env)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("PATH", "/usr/bin:/bin", "HOME", "/root", "K", "k", "SLURM_CONF", "/c"));
    CommandResult r = new ProcessCommandRunner(env, Duration.ofSeconds(20)).run(List.of("env"));
    assertThat(r.stdout().lines().sorted())
        .containsExactly("HOME=/root", "K=k", "PATH=/usr/bin:/bin", "SLURM_CONF=/c");
  }

  @Test
  void pathFallsBackToTheSystemDirectories() {
    assertThat(ProcessCommandRunner.environment(Map.of(), List.of(), Map.of()))
        .containsEntry("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
  }

  @Test
  void aCommandThatRunsTooLongIsKilledWithItsChildrenAndReported() {
    ProcessCommandRunner quick =
        new ProcessCommandRunner(runner.environment(), Duration.ofMillis(500));
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () -> quick.run(List.of("sh", "-c", "echo started; sleep 60 & sleep 60; wait")))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.getMessage())
                  .startsWith("'sh -c echo started;")
                  .endsWith("did not finish within 500 ms and was killed");
              assertThat(e.isRetryable()).isTrue();
              assertThat(e.details().get("stdout").asText()).isEqualTo("started\n");
              assertThat(e.details().has("exitCode")).isFalse();
            });
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void aProgramThatDoesNotExistIsAClearFailure() {
    assertThatThrownBy(() -> runner.run(List.of("no-such-program-gale", "x")))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.getMessage())
                  .startsWith("cannot run 'no-such-program-gale' (is it installed and on PATH=");
              assertThat(e.isRetryable()).isFalse();
              assertThat(e.details().get("command").toString())
                  .isEqualTo("[\"no-such-program-gale\",\"x\"]");
            });
  }

  @Test
  void aFailedResultBecomesAnExceptionWithTheCommandsDetails() {
    CommandResult r = runner.run(List.of("sh", "-c", "echo why >&2; exit 2"));
    ProviderException e = r.failure("it failed", false);
    assertThat(e.getMessage())
        .isEqualTo("it failed: 'sh -c echo why >&2; exit 2' exited with code 2: why");
    assertThat(e.details().get("exitCode").asInt()).isEqualTo(2);
    assertThat(e.details().get("stderr").asText()).isEqualTo("why\n");
  }
}
