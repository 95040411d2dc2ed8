package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoInstantsTest {
  private record Stamped(Instant at) {}

  @Test
  void writesExactlyWhatIsoInstantWrites() {
    SplittableRandom random = new SplittableRandom(7);
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 200_000; i++) {
      long sec = random.nextLong(-max, max);
      int nano =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant t = Instant.ofEpochSecond(sec, nano);
      assertThat(IsoInstants.format(t)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(t));
    }
  }

  @Test
  void writesYearsOutsideFourDigitsLikeTheFormatter() {
    for (Instant t :
        new Instant[] {Instant.MIN, Instant.MAX, Instant.parse("+10000-01-01T00:00:00Z")}) {
      assertThat(IsoInstants.format(t)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(t));
    }
  }

  @Test
  void readsBackWhatItWrites() {
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 100_000; i++) {
      Instant t =
          Instant.ofEpochSecond(
              random.nextLong(0, 253_402_300_799L), random.nextInt(1_000_000_000));
      assertThat(IsoInstants.parseFast(IsoInstants.format(t))).isEqualTo(t);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-02-30T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-01-01T24:00:00Z",
        "2026-01-01T00:00:60Z",
        "2026-01-01T00:00:00.Z",
        "2026-01-01T00:00:00.1234567890Z",
        "2026-01-01T00:00:00+01:00",
        "2026-01-01t00:00:00Z",
        "x026-01-01T00:00:00Z",
      })
  void leavesAnythingElseToTheFormatter(String text) {
    assertThat(IsoInstants.parseFast(text)).isNull();
  }

  @Test
  void theSharedMapperStillReadsWhatJsr310Reads() {
    assertThat(Json.read("{\"at\":\"2026-01-01T01:00:00+01:00\"}", Stamped.class).at())
        .isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(Json.read("{\"at\":1.5}", Stamped.class).at())
        .isEqualTo(Instant.ofEpochSecond(1, 500_000_000));
    assertThat(Json.read("{\"at\":\"2026-05-01T12:00:00.120Z\"}", Stamped.class).at())
        .isEqualTo(Instant.parse("2026-05-01T12:00:00.120Z"));
    assertThat(Json.write(new Stamped(Instant.parse("2026-05-01T12:00:00.120Z"))))
        .isEqualTo("{\"at\":\"2026-05-01T12:00:00.120Z\"}");
  }

  @Test
  void refusesTextThatIsNoInstant() {
    assertThatThrownBy(() -> Json.read("{\"at\":\"2026-02-30T00:00:00Z\"}", Stamped.class))
        .isInstanceOf(InvalidRequestException.class);
  }
}
