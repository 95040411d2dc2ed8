package dev.gale.cli;

import static dev.gale.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Flag > environment > config file > default, as options of real commands see it. */
class ConfigPrecedenceTest {
  @TempDir Path dir;

  @Test
  void configCommandShowsValuesWithTheirSources() throws Exception {
    Path f = dir.resolve("c.properties");
    Files.writeString(f, "gale.up.workers=4\ngale.gateway.port=9000\n");
    CliTestSupport.Run r =
        run(
            Map.of("GALE_GATEWAY_PORT", "9100", "GALE_TOKEN", "tok-not-shown"),
            "config",
            "--config",
            f.toString());
    assertThat(r.code()).isZero();
    JsonNode out = Json.readTree(r.out());
    assertThat(out.at("/gale.up.workers/value").asText()).isEqualTo("4");
    assertThat(out.at("/gale.up.workers/source").asText()).isEqualTo("file");
    assertThat(out.at("/gale.gateway.port/value").asText()).isEqualTo("9100");
    assertThat(out.at("/gale.gateway.port/source").asText()).isEqualTo("env");
    assertThat(out.at("/gale.gateway.port/env").asText()).isEqualTo("GALE_GATEWAY_PORT");
    assertThat(out.at("/gale.client.token/value").asText()).isEqualTo("(set)");
    assertThat(r.out()).doesNotContain("tok-not-shown");
  }

  @Test
  void aFlagBeatsEnvironmentWhichBeatsFileWhichBeatsDefault() throws Exception {
    Path f = dir.resolve("c.properties");
    Files.writeString(f, "gale.up.workers=4\ngale.gateway.port=9000\ngale.runtime.slots=3\n");
    Map<String, String> env = Map.of("GALE_GATEWAY_PORT", "9100", "GALE_RUNTIME_SLOTS", "5");
    var up = parseUp(env, f, "--slots", "7");
    assertThat(up.get("--slots")).isEqualTo("7"); // flag
    assertThat(up.get("--port")).isEqualTo("9100"); // env over file
    assertThat(up.get("--workers")).isEqualTo("4"); // file
    assertThat(up.get("--host")).isEqualTo("127.0.0.1"); // default
  }

  /** Parses {@code up} with the real configuration wiring, without running it. */
  private static Map<String, String> parseUp(Map<String, String> env, Path file, String... args) {
    dev.gale.cli.config.Config config = dev.gale.cli.config.Config.load(env, file);
    String[] full = new String[args.length + 1];
    full[0] = "up";
    System.arraycopy(args, 0, full, 1, args.length);
    CommandLine cl = Main.commandLine(env, config, full);
    CommandLine.ParseResult pr = cl.parseArgs(full);
    CommandLine.Model.CommandSpec up = pr.subcommand().commandSpec();
    java.util.Map<String, String> out = new java.util.HashMap<>();
    for (String name : new String[] {"--slots", "--port", "--workers", "--host"}) {
      out.put(name, String.valueOf((Object) up.findOption(name).getValue()));
    }
    return out;
  }
}
