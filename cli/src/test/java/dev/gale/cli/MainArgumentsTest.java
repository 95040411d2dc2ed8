package dev.gale.cli;

import static dev.gale.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage and configuration errors: exit code 2, one clear line on stderr, no stack trace. */
class MainArgumentsTest {
  @TempDir Path dir;

  private static void assertOneErrorLine(CliTestSupport.Run r, int code, String start) {
    assertThat(r.code()).isEqualTo(code);
    assertThat(r.err()).startsWith(start).doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(r.err().strip().lines()).hasSize(1);
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    CliTestSupport.Run r = run(Map.of(), "frobnicate");
    assertOneErrorLine(r, 2, "error: usage: Unmatched argument at index 0: 'frobnicate'");
  }

  @Test
  void onlyTheNamedCommandIsBuiltAndEveryCommandWhenNoneOrHelpIsNamed() {
    assertThat(Main.commandNamed(new String[] {"worker", "--slots", "4"}))
        .isEqualTo(dev.gale.cli.server.WorkerCommand.class);
    assertThat(Main.commandNamed(new String[] {"--home", "up", "--config=x", "tasks", "get"}))
        .isEqualTo(dev.gale.cli.commands.TasksCommand.class);
    assertThat(Main.commandNamed(new String[] {"help", "up"})).isNull();
    assertThat(Main.commandNamed(new String[] {"--version"})).isNull();
    assertThat(Main.commandNamed(new String[] {"frobnicate"})).isNull();
    // the full list still answers --help and help COMMAND
    CliTestSupport.Run help = run(Map.of(), "--help");
    assertThat(help.code()).isZero();
    for (Class<?> c : Main.COMMANDS) {
      assertThat(help.out())
          .contains("  " + c.getAnnotation(picocli.CommandLine.Command.class).name() + " ");
    }
    CliTestSupport.Run helpUp = run(Map.of(), "help", "up");
    assertThat(helpUp.code()).isZero();
    assertThat(helpUp.out()).startsWith("Usage: gale up ");
  }

  @Test
  void noCommandIsAUsageError() {
    assertOneErrorLine(run(Map.of()), 2, "error: usage: a command is required (see 'gale --help')");
  }

  @Test
  void aMissingRequiredOptionNamesItAndTheHelp() {
    CliTestSupport.Run r = run(Map.of(), "functions", "register", "--name", "f", "--kind", "shell");
    assertOneErrorLine(r, 2, "error: usage: Missing required option: '--spec=JSON|@FILE'");
    assertThat(r.err()).contains("(see 'gale functions register --help')");
  }

  @Test
  void aNonNumericFlagIsAUsageError() {
    CliTestSupport.Run r = run(Map.of(), "up", "--port", "http");
    assertOneErrorLine(
        r, 2, "error: usage: Invalid value for option '--port': 'http' is not an int");
  }

  @Test
  void invalidJsonArgumentsAreAUsageErrorBeforeAnyRequest() {
    CliTestSupport.Run r =
        run(
            Map.of("GALE_URL", "http://127.0.0.1:1"),
            "functions",
            "register",
            "--name",
            "f",
            "--kind",
            "shell",
            "--spec",
            "{not json");
    assertOneErrorLine(r, 2, "error: usage: --spec is not valid JSON");
  }

  @Test
  void anUnknownKeyInTheConfigFileIsAConfigError() throws Exception {
    Path f = dir.resolve("c.properties");
    Files.writeString(f, "gale.up.wrokers=3\n");
    CliTestSupport.Run r = run(Map.of(), "--config", f.toString(), "workers");
    assertOneErrorLine(r, 2, "error: config: config file " + f + ": unknown key 'gale.up.wrokers'");
  }

  @Test
  void aBadEnvironmentValueIsAConfigError() {
    CliTestSupport.Run r = run(Map.of("GALE_GATEWAY_PORT", "eighty"), "config");
    assertOneErrorLine(r, 2, "error: config: GALE_GATEWAY_PORT='eighty': not an integer");
  }

  @Test
  void anUnreachableServiceIsAnApiErrorWithExitCode1() {
    CliTestSupport.Run r =
        run(Map.of("GALE_URL", "http://127.0.0.1:1", "GALE_TOKEN", "t"), "workers");
    assertOneErrorLine(r, 1, "error: connection_failed: cannot connect to http://127.0.0.1:1");
  }

  @Test
  void anUnknownRoleIsAUsageError() {
    CliTestSupport.Run r = run(Map.of(), "tokens", "create", "--tenant", "a", "--role", "king");
    assertOneErrorLine(r, 2, "error: usage: unknown role 'king' (known: user, worker, admin)");
  }

  @Test
  void aWorkerWithoutTokenIsAUsageError() {
    CliTestSupport.Run r = run(Map.of(), "worker", "--pool", "default");
    assertOneErrorLine(
        r, 2, "error: usage: no worker token: set $GALE_WORKER_TOKEN or use --token-file");
  }

  @Test
  void helpAndVersionSucceed() {
    CliTestSupport.Run help = run(Map.of(), "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("up", "invoke", "functions", "worker");
    CliTestSupport.Run upHelp = run(Map.of("GALE_UP_WORKERS", "7"), "up", "--help");
    assertThat(upHelp.out()).contains("worker processes (default: 7)");
    assertThat(run(Map.of(), "--version").code()).isZero();
  }
}
