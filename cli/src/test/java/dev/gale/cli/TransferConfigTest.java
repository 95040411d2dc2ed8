package dev.gale.cli;

import static dev.gale.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import dev.gale.cli.config.Config;
import dev.gale.cli.config.ConfigException;
import dev.gale.cli.config.ConfigKey;
import dev.gale.transfer.TransferSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transfer module's keys ({@link TransferSettings#KEYS}) through the command line's
 * configuration: environment over config file over default, listed by {@code gale config}, checked
 * at start.
 */
class TransferConfigTest {
  @TempDir Path dir;

  private Path file(String text) throws Exception {
    Path f = dir.resolve("gale.properties");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void aTransferKeyResolvesEnvironmentOverFileOverDefault() throws Exception {
    Path f =
        file(
            "gale.transfer.staging.parallelism=6\n"
                + "gale.transfer.s3.region=eu-west-1\n"
                + "gale.transfer.s3.path-style=true\n");
    Config c = Config.load(Map.of("GALE_TRANSFER_STAGING_PARALLELISM", "9"), f);

    assertThat(c.lookupTransfer("gale.transfer.staging.parallelism"))
        .isEqualTo(new Config.Value("9", Config.Source.ENV, "GALE_TRANSFER_STAGING_PARALLELISM"));
    assertThat(c.lookupTransfer("gale.transfer.s3.region"))
        .isEqualTo(new Config.Value("eu-west-1", Config.Source.FILE, f.toString()));
    assertThat(c.lookupTransfer("gale.transfer.copy.max-concurrent"))
        .isEqualTo(new Config.Value("2", Config.Source.DEFAULT, null));
    assertThat(c.lookupTransfer("gale.transfer.s3.endpoint").source())
        .isEqualTo(Config.Source.NONE);
    // what the gateway and the node agents are given
    assertThat(c.transfer().stagingOptions().parallelism()).isEqualTo(9);
    assertThat(c.transfer().copyOptions().maxConcurrentTransfers()).isEqualTo(2);
    assertThat(c.file()).isEqualTo(f);
  }

  @Test
  void transferKeysAndTheOtherKeysShareOneNamingSchemeWithoutClashes() {
    Set<String> env = new HashSet<>();
    for (ConfigKey k : ConfigKey.values()) {
      assertThat(env.add(k.envVar())).isTrue();
    }
    for (TransferSettings.Key k : TransferSettings.KEYS) {
      assertThat(k.key()).matches("gale\\.transfer\\.([a-z0-9]+\\.)?[a-z][a-z0-9-]*");
      assertThat(env.add(k.envVar())).as(k.envVar()).isTrue();
      assertThat(k.envVar()).startsWith("GALE_TRANSFER_");
    }
  }

  @Test
  void aMistypedTransferKeyInTheFileIsRejectedWithTheClosestKnownOne() throws Exception {
    Path f = file("gale.transfer.s3.endpont=http://127.0.0.1:9000\n");
    assertThatThrownBy(() -> Config.load(Map.of(), f))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith(
            "unknown key 'gale.transfer.s3.endpont' (did you mean gale.transfer.s3.endpoint?)");
  }

  @Test
  void aBadTransferValueNamesItsSourceAndNeverShowsASecret() throws Exception {
    assertThatThrownBy(() -> Config.load(Map.of("GALE_TRANSFER_HTTP_MAX_RETRIES", "lots"), null))
        .isInstanceOf(ConfigException.class)
        .hasMessage("GALE_TRANSFER_HTTP_MAX_RETRIES='lots': not a whole number");
    Path f = file("gale.transfer.s3.path-style=yes\n");
    assertThatThrownBy(() -> Config.load(Map.of(), f))
        .hasMessage("config file " + f + ": gale.transfer.s3.path-style='yes': not true or false");
  }

  @Test
  void configCommandListsEveryTransferKeyWithDefaultDescriptionAndHiddenSecrets() throws Exception {
    Path f = file("gale.transfer.file.roots=/data\n");
    CliTestSupport.Run r =
        run(
            Map.of(
                "GALE_TRANSFER_S3_SECRET_ACCESS_KEY", "very-secret",
                "GALE_TRANSFER_S3_ENDPOINT", "http://127.0.0.1:9000"),
            "config",
            "--config",
            f.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).doesNotContain("very-secret");
    JsonNode out = Json.readTree(r.out());
    for (TransferSettings.Key k : TransferSettings.KEYS) {
      JsonNode e = out.path(k.key());
      assertThat(e.isObject()).as(k.key()).isTrue();
      assertThat(e.path("env").asText()).isEqualTo(k.envVar());
      assertThat(e.path("description").asText()).isEqualTo(k.description());
    }
    assertThat(out.at("/gale.transfer.file.roots/value").asText()).isEqualTo("/data");
    assertThat(out.at("/gale.transfer.file.roots/source").asText()).isEqualTo("file");
    assertThat(out.at("/gale.transfer.s3.endpoint/value").asText())
        .isEqualTo("http://127.0.0.1:9000");
    assertThat(out.at("/gale.transfer.s3.endpoint/source").asText()).isEqualTo("env");
    assertThat(out.at("/gale.transfer.s3.secret-access-key/value").asText()).isEqualTo("(set)");
    assertThat(out.at("/gale.transfer.s3.part-size-bytes/default").asText()).isEqualTo("8388608");
    assertThat(out.at("/gale.transfer.s3.part-size-bytes/value").asText()).isEqualTo("8388608");
    assertThat(out.at("/gale.transfer.s3.part-size-bytes/source").asText()).isEqualTo("default");
    assertThat(out.at("/gale.gateway.port/default").asText()).isEqualTo("8080");
  }

  @Test
  void aNonNumericTransferValueStopsAnyCommandWithUsageExitCode() {
    CliTestSupport.Run r =
        run(Map.of("GALE_TRANSFER_STAGING_PARALLELISM", "four"), "worker", "--help");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err())
        .contains("error: config: GALE_TRANSFER_STAGING_PARALLELISM='four': not a whole number");
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }
}
