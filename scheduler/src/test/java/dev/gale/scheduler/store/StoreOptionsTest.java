package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.InvalidRequestException;
import dev.gale.scheduler.SchedulerOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Defaults, validation and secrecy of {@link StoreOptions}. */
class StoreOptionsTest {

  @Test
  void aSchedulerPersistsNothingUnlessTold() {
    assertThat(SchedulerOptions.builder().build().store().kind()).isEqualTo(StoreKind.NONE);
    assertThat(SchedulerOptions.forTests().store().enabled()).isFalse();
  }

  @Test
  void theEmbeddedDatabaseLivesInAnAbsoluteDirectoryAndIsShareable() {
    StoreOptions o = StoreOptions.embedded(Path.of("rel/db"));
    assertThat(o.path().isAbsolute()).isTrue();
    assertThat(o.path().endsWith(Path.of("rel", "db"))).isTrue();
    assertThat(o.effectiveJdbcUrl())
        .startsWith("jdbc:h2:file:" + o.path().resolve("gale"))
        .contains("AUTO_SERVER=TRUE");
    assertThat(StoreOptions.builder().kind(StoreKind.EMBEDDED).build().path())
        .isEqualTo(StoreOptions.defaultPath());
    assertThat(StoreOptions.defaultPath().getFileName()).isEqualTo(Path.of("db"));
  }

  @Test
  void thePasswordNeverShowsInTextForms() {
    StoreOptions o =
        StoreOptions.postgresql(
            "jdbc:postgresql://db:5432/gale?password=url-secret&ssl=true", "gale", "pw-secret");
    SchedulerOptions s = SchedulerOptions.builder().store(o).build();
    for (String text : new String[] {o.toString(), o.describe(), s.toString()}) {
      assertThat(text).doesNotContain("pw-secret").doesNotContain("url-secret").contains("db:5432");
    }
    assertThat(o.password()).isEqualTo("pw-secret");
  }

  @Test
  void badSettingsAreRefusedWithTheirName() {
    assertThatThrownBy(() -> StoreOptions.builder().kind(StoreKind.POSTGRESQL).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a JDBC URL like jdbc:postgresql://");
    assertThatThrownBy(() -> StoreOptions.postgresql("jdbc:mysql://x/y", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'jdbc:mysql://x/y'");
    assertThatThrownBy(() -> StoreOptions.builder().writeDelaySeconds(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("writeDelaySeconds must be at least 1");
    assertThatThrownBy(() -> StoreOptions.builder().writeBehindQueueCapacity(0).build())
        .hasMessageContaining("writeBehindQueueCapacity");
    assertThatThrownBy(() -> StoreOptions.builder().retention(java.time.Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retention must be at least 1 second");
    assertThatThrownBy(
            () -> StoreOptions.builder().finishedInMemory(java.time.Duration.ofMillis(10)).build())
        .hasMessageContaining("finishedInMemory must be at least 1 second");
    assertThatThrownBy(
            () ->
                StoreOptions.builder()
                    .retention(java.time.Duration.ofMinutes(1))
                    .finishedInMemory(java.time.Duration.ofMinutes(2))
                    .build())
        .hasMessageContaining("at most the retention");
  }

  @Test
  void finishedTasksStayInMemoryAMinuteAndAreKeptAWeek() {
    StoreOptions o = StoreOptions.none();
    assertThat(o.finishedInMemory()).isEqualTo(java.time.Duration.ofMinutes(1));
    assertThat(o.retention()).isEqualTo(java.time.Duration.ofDays(7));
  }

  @Test
  void kindsParseFromTheirWireNamesOnly() {
    assertThat(StoreKind.fromWire("postgresql")).isEqualTo(StoreKind.POSTGRESQL);
    assertThatThrownBy(() -> StoreKind.fromWire("mongo"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("known: none, embedded, postgresql");
  }
}
