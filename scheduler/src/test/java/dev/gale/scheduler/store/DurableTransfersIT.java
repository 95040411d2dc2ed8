package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.Json;
import dev.gale.api.TransferRecord;
import dev.gale.scheduler.Scheduler;
import dev.gale.scheduler.SchedulerOptions;
import dev.gale.scheduler.Schedulers;
import dev.gale.scheduler.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Transfer records ({@code /v1/transfers}) in the durable store, embedded H2 and a real PostgreSQL:
 * they survive a full restart, and the ones that were running come back failed with {@code
 * transfer_lost} (their gateway's copy is gone).
 */
class DurableTransfersIT {
  @TempDir static Path tmp;
  private static TestDatabases databases;

  @BeforeAll
  static void setUp() {
    databases = new TestDatabases(tmp);
  }

  @AfterAll
  static void tearDown() {
    databases.close();
  }

  private static SchedulerOptions options(StoreOptions store) {
    return SchedulerOptions.builder()
        .clusterName("gale-test-" + UUID.randomUUID())
        .port(0)
        .store(store)
        .build();
  }

  private static TransferRecord transfer(String id, String tenant, String state, Instant beat) {
    return new TransferRecord(
        id,
        tenant,
        "gw-gone",
        beat,
        Json.readTree(
            "{\"id\":\""
                + id
                + "\",\"state\":\""
                + state
                + "\",\"source\":\"s3://b/in\",\"destination\":\"file:///data/out\""
                + ",\"bytesDone\":10,\"bytesTotal\":100,\"createdAt\":\""
                + beat.minusSeconds(60)
                + "\"}"));
  }

  @ParameterizedTest
  @EnumSource(names = {"EMBEDDED", "POSTGRESQL"})
  void aFullRestartKeepsTransfersAndFailsTheOnesThatWereRunning(StoreKind kind) {
    SchedulerOptions opts = options(databases.fresh(kind).build());
    Instant beat = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    TransferRecord done = transfer("tr-done", "acme", "succeeded", beat);
    TransferRecord running = transfer("tr-running", "acme", "running", beat);
    TransferRecord queued = transfer("tr-queued", "other", "queued", beat);
    try (Scheduler a = Schedulers.member(opts)) {
      a.putTransfer(done);
      a.putTransfer(running);
      a.putTransfer(queued);
    }

    try (Scheduler b = Schedulers.member(opts)) {
      assertThat(b.listTransfers(null))
          .extracting(TransferRecord::id)
          .containsExactlyInAnyOrder("tr-done", "tr-running", "tr-queued");
      assertThat(b.listTransfers("other"))
          .extracting(TransferRecord::id)
          .containsExactly("tr-queued");

      TransferRecord d = b.getTransfer("tr-done").orElseThrow();
      assertThat(d.job()).isEqualTo(done.job());

      for (String id : List.of("tr-running", "tr-queued")) {
        TransferRecord lost = b.getTransfer(id).orElseThrow();
        assertThat(lost.state()).as(id).isEqualTo("failed");
        assertThat(lost.job().at("/error/code").asText()).isEqualTo("transfer_lost");
        assertThat(lost.job().at("/error/message").asText()).contains("gw-gone");
        assertThat(lost.job().path("bytesDone").asLong()).isEqualTo(10);
      }
      // a change after the restart is written like any other
      b.putTransfer(transfer("tr-new", "acme", "running", Instant.now()));
    }

    try (Scheduler c = Schedulers.member(opts)) {
      assertThat(c.listTransfers("acme"))
          .extracting(TransferRecord::id)
          .containsExactlyInAnyOrder("tr-done", "tr-running", "tr-new");
      assertThat(c.getTransfer("tr-new").orElseThrow().job().at("/error/code").asText())
          .isEqualTo("transfer_lost");
      assertThat(c.getTransfer("tr-running").orElseThrow().job().path("finishedAt").asText())
          .isEqualTo(beat.toString());
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"EMBEDDED", "POSTGRESQL"})
  void aDatabaseOfSchemaVersionOneGetsTheTransferTable(StoreKind kind) throws Exception {
    StoreOptions o = databases.fresh(kind).build();
    JdbcStore.open(o).close();
    try (Connection c =
            DriverManager.getConnection(
                o.effectiveJdbcUrl(), "gale", kind == StoreKind.EMBEDDED ? "" : null);
        Statement s = c.createStatement()) {
      s.executeUpdate("DROP TABLE gale_transfers");
      s.executeUpdate("UPDATE gale_schema SET version = 1 WHERE id = 1");
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
    try (JdbcStore db = JdbcStore.open(o)) {
      assertThat(db.schemaVersion()).isEqualTo(Schema.LATEST);
      db.upsert(
          StoredMap.TRANSFERS,
          List.of(
              new JdbcStore.Row(
                  "tr-1", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8), null, 0)));
      assertThat(db.keys(StoredMap.TRANSFERS)).containsExactly("tr-1");
    }
  }
}
