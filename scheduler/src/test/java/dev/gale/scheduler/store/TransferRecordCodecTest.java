package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.Json;
import dev.gale.api.TransferRecord;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TransferRecordCodecTest {
  private final TransferRecordCodec codec = new TransferRecordCodec();

  private static String record(String state, Instant heartbeat) {
    return Json.write(
        new TransferRecord(
            "tr-1",
            "acme",
            "gw-a",
            heartbeat,
            Json.readTree(
                "{\"id\":\"tr-1\",\"state\":\""
                    + state
                    + "\",\"bytesDone\":5,\"createdAt\":\"2026-01-01T00:00:00Z\"}")));
  }

  @Test
  void roundTripsTheJsonText() {
    String r = record("running", Instant.parse("2026-01-01T00:00:05Z"));
    assertThat(codec.decode(codec.encode(r))).isEqualTo(r);
  }

  @Test
  void aTransferThatWasRunningLoadsAsLostAtItsLastHeartbeat() {
    Instant beat = Instant.parse("2026-01-01T00:00:05Z");
    TransferRecord t = Json.read(codec.afterRestart(record("running", beat)), TransferRecord.class);
    assertThat(t.state()).isEqualTo("failed");
    assertThat(t.isFinished()).isTrue();
    assertThat(t.job().at("/error/code").asText()).isEqualTo("transfer_lost");
    assertThat(t.job().at("/error/message").asText())
        .contains("gateway gw-a")
        .contains("submit it again");
    assertThat(t.job().path("finishedAt").asText()).isEqualTo(beat.toString());
    assertThat(t.job().path("bytesDone").asLong()).isEqualTo(5);
    assertThat(t.tenant()).isEqualTo("acme");
  }

  @Test
  void loadingTheSameRowAgainGivesTheSameRecord() {
    String r = record("queued", Instant.parse("2026-01-01T00:00:05Z"));
    String once = codec.afterRestart(r);
    assertThat(codec.afterRestart(r)).isEqualTo(once);
    assertThat(codec.afterRestart(once)).isEqualTo(once);
  }

  @Test
  void finishedTransfersLoadUnchanged() {
    for (String state : new String[] {"succeeded", "failed", "cancelled"}) {
      String r = record(state, Instant.parse("2026-01-01T00:00:05Z"));
      assertThat(codec.afterRestart(r)).isEqualTo(r);
    }
  }

  @Test
  void aRowThatIsNotATransferIsAStoreError() {
    assertThatThrownBy(() -> codec.afterRestart("{\"nope\":1}"))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("a stored transfer cannot be read");
  }
}
