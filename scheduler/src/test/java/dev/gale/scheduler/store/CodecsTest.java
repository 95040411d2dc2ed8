package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.FunctionDefinition;
import dev.gale.api.Json;
import dev.gale.api.Role;
import dev.gale.api.TokenRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Round trips of the codecs of the maps holding API records, text and bytes. */
class CodecsTest {

  @Test
  void functionDefinitionsKeepEveryField() {
    FunctionDefinition f =
        new FunctionDefinition(
            "fn-1",
            "acme",
            "add",
            "shell",
            Json.readTree("{\"command\":[\"echo\",\"{x}\"],\"env\":{\"A\":\"1\"}}"),
            "gpu",
            Json.readTree("{\"cpu\":2}"),
            3,
            java.util.List.of("timeout"),
            60,
            true,
            true,
            Instant.parse("2026-01-02T03:04:05.123456789Z"));
    RecordCodec<FunctionDefinition> c = Codecs.json(FunctionDefinition.class);
    assertThat(c.decode(c.encode(f))).isEqualTo(f);

    FunctionDefinition sparse =
        new FunctionDefinition(
            "fn-2",
            "acme",
            "e",
            "java",
            Json.object(),
            null,
            null,
            0,
            null,
            null,
            false,
            false,
            Instant.EPOCH);
    assertThat(c.decode(c.encode(sparse))).isEqualTo(sparse);
  }

  @Test
  void tokenRecordsKeepEveryField() {
    RecordCodec<TokenRecord> c = Codecs.json(TokenRecord.class);
    TokenRecord worker = new TokenRecord("ab12", "acme", Role.WORKER, "gpu", Instant.now());
    TokenRecord admin = new TokenRecord("cd34", "root", Role.ADMIN, null, Instant.EPOCH);
    assertThat(c.decode(c.encode(worker))).isEqualTo(worker);
    assertThat(c.decode(c.encode(admin))).isEqualTo(admin);
  }

  @Test
  void textAndBytesPassUnchanged() {
    String pool = "{\"provider\":\"slurm\",\"name\":\"é\"}";
    assertThat(Codecs.text().decode(Codecs.text().encode(pool))).isEqualTo(pool);
    byte[] jar = {0, 1, (byte) 0xff, 42};
    assertThat(Codecs.bytes().decode(Codecs.bytes().encode(jar))).isEqualTo(jar);
  }

  @Test
  void aRowThatIsNotTheRecordIsAStoreError() {
    assertThatThrownBy(
            () ->
                Codecs.json(TokenRecord.class)
                    .decode("{\"role\":\"emperor\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("stored TokenRecord cannot be read");
  }
}
