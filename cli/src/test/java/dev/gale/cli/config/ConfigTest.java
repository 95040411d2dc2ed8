package dev.gale.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  @TempDir Path dir;

  private Path file(String text) throws Exception {
    Path f = dir.resolve("gale.properties");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void environmentWinsOverFileWhichWinsOverDefault() throws Exception {
    Path f = file("gale.gateway.port=9000\ngale.up.workers=5\n");
    Config c = Config.load(Map.of("GALE_GATEWAY_PORT", "9100"), f);
    assertThat(c.lookup(ConfigKey.GATEWAY_PORT))
        .isEqualTo(new Config.Value("9100", Config.Source.ENV, "GALE_GATEWAY_PORT"));
    assertThat(c.lookup(ConfigKey.UP_WORKERS))
        .isEqualTo(new Config.Value("5", Config.Source.FILE, f.toString()));
    assertThat(c.lookup(ConfigKey.GATEWAY_HOST))
        .isEqualTo(new Config.Value("127.0.0.1", Config.Source.DEFAULT, null));
    assertThat(c.lookup(ConfigKey.RUNTIME_PREFETCH).source()).isEqualTo(Config.Source.NONE);
  }

  @Test
  void derivesEnvironmentVariablesFromKeys() {
    assertThat(ConfigKey.GATEWAY_PORT.envVar()).isEqualTo("GALE_GATEWAY_PORT");
    assertThat(ConfigKey.SCHEDULER_CLUSTER_NAME.envVar()).isEqualTo("GALE_SCHEDULER_CLUSTER_NAME");
    assertThat(ConfigKey.RUNTIME_SLOTS.envVar()).isEqualTo("GALE_RUNTIME_SLOTS");
    assertThat(ConfigKey.HOME.envVar()).isEqualTo("GALE_HOME");
  }

  @Test
  void keysFollowTheNamingSchemeAndAreUnique() {
    Set<String> env = new HashSet<>();
    for (ConfigKey k : ConfigKey.values()) {
      assertThat(k.key()).matches("gale\\.([a-z]+\\.)?[a-z][a-z0-9-]*");
      assertThat(env.add(k.envVar())).as(k.envVar()).isTrue();
      if (k.defaultValue() != null) {
        assertThat(Config.check(k, k.defaultValue(), "default of " + k.key())).isNotNull();
      }
    }
  }

  @Test
  void readsTheShortAliasAfterTheModuleVariable() {
    assertThat(Config.load(Map.of("GALE_URL", "http://a:1"), null).get(ConfigKey.CLIENT_URL))
        .isEqualTo("http://a:1");
    assertThat(
            Config.load(Map.of("GALE_URL", "http://a:1", "GALE_CLIENT_URL", "http://b:2"), null)
                .get(ConfigKey.CLIENT_URL))
        .isEqualTo("http://b:2");
  }

  @Test
  void rejectsAnUnknownKeyInTheFileSuggestingTheClosest() throws Exception {
    Path f = file("gale.gateway.prot=9000\n");
    assertThatThrownBy(() -> Config.load(Map.of(), f))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "config file "
                + f
                + ": unknown key 'gale.gateway.prot' (did you mean gale.gateway.port?)");
  }

  @Test
  void rejectsAKeyFarFromAnyKnownOne() throws Exception {
    Path f = file("color=blue\n");
    assertThatThrownBy(() -> Config.load(Map.of(), f))
        .hasMessageContaining("unknown key 'color'")
        .hasMessageContaining("gale config");
  }

  @Test
  void rejectsAValueOfTheWrongTypeNamingItsSource() throws Exception {
    assertThatThrownBy(() -> Config.load(Map.of("GALE_UP_WORKERS", "many"), null))
        .isInstanceOf(ConfigException.class)
        .hasMessage("GALE_UP_WORKERS='many': not an integer");
    Path f = file("gale.runtime.url=ftp://x\n");
    assertThatThrownBy(() -> Config.load(Map.of(), f))
        .hasMessage(
            "config file " + f + ": gale.runtime.url='ftp://x': not an http(s)://host:port URL");
  }

  @Test
  void reportsAMissingFile() {
    Path missing = dir.resolve("nope.properties");
    assertThatThrownBy(() -> Config.load(Map.of(), missing))
        .hasMessageStartingWith("cannot read config file " + missing);
  }

  @Test
  void expandsTildeInPaths() {
    Config c = Config.load(Map.of("GALE_HOME", "~/g"), null);
    assertThat(c.get(ConfigKey.HOME)).isEqualTo(System.getProperty("user.home") + "/g");
    assertThat(Config.defaults().get(ConfigKey.HOME))
        .isEqualTo(System.getProperty("user.home") + "/.gale");
  }

  @Test
  void ignoresEmptyEnvironmentValues() {
    assertThat(Config.load(Map.of("GALE_GATEWAY_PORT", ""), null).get(ConfigKey.GATEWAY_PORT))
        .isEqualTo("8080");
  }
}
