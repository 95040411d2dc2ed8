package dev.gale.scaler.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WalltimeTest {

  @Test
  void parsesHoursMinutesSecondsAndDays() {
    assertThat(Walltime.parse("00:10:00")).isEqualTo(Duration.ofMinutes(10));
    assertThat(Walltime.parse("36:00:01")).isEqualTo(Duration.ofHours(36).plusSeconds(1));
    assertThat(Walltime.parse("2-01:00:00")).isEqualTo(Duration.ofHours(49));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10", "1:00", "00:60:00", "00:00:60", "00:00:00", "a:b:c", "1d"})
  void refusesOtherForms(String text) {
    assertThatThrownBy(() -> Walltime.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void formatsForPbsAndSlurmRoundingUpToTheSecond() {
    assertThat(Walltime.hms(Duration.ofMinutes(90))).isEqualTo("01:30:00");
    assertThat(Walltime.hms(Duration.ofHours(100))).isEqualTo("100:00:00");
    assertThat(Walltime.hms(Duration.ofMillis(1500))).isEqualTo("00:00:02");
    assertThat(Walltime.slurm(Duration.ofHours(23))).isEqualTo("23:00:00");
    assertThat(Walltime.slurm(Duration.ofHours(49).plusSeconds(5))).isEqualTo("2-01:00:05");
    assertThatThrownBy(() -> Walltime.hms(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
