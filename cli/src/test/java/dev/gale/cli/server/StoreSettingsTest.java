package dev.gale.cli.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.cli.config.Config;
import dev.gale.scheduler.store.StoreKind;
import dev.gale.scheduler.store.StoreOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StoreSettingsTest {
  private static StoreSettings settings(String kind, int inMemorySeconds, int retentionHours) {
    StoreSettings s = new StoreSettings();
    s.kind = kind;
    s.finishedInMemorySeconds = inMemorySeconds;
    s.retentionHours = retentionHours;
    return s;
  }

  @Test
  void finishedTaskTimesReachTheStoreOfEveryKind() {
    for (String kind : new String[] {"embedded", "none"}) {
      StoreOptions o = settings(kind, 60, 24).toOptions(Path.of("/tmp/h"), Config.defaults());
      assertThat(o.kind()).isEqualTo(StoreKind.fromWire(kind));
      assertThat(o.finishedInMemory()).isEqualTo(Duration.ofMinutes(1));
      assertThat(o.retention()).isEqualTo(Duration.ofHours(24));
    }
  }

  @Test
  void badFinishedTaskTimesNameTheFlagAndKey() {
    assertThatThrownBy(
            () -> settings("embedded", 60, 0).toOptions(Path.of("/tmp/h"), Config.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--retention-hours (gale.store.retention-hours) must be at least 1");
    assertThatThrownBy(
            () -> settings("embedded", 7200, 1).toOptions(Path.of("/tmp/h"), Config.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--finished-in-memory-seconds")
        .hasMessageContaining("between 1 and the retention in seconds (3600)");
  }
}
