package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.TaskState;
import dev.gale.scheduler.testing.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link JdbcStore} against a real embedded H2 database and a real PostgreSQL server. */
class JdbcStoreIT {
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

  private static JdbcStore.Row row(String id, String body) {
    return new JdbcStore.Row(id, body.getBytes(StandardCharsets.UTF_8), null, 0);
  }

  private static JdbcStore.Row task(String id, TaskState state, long finishedAt) {
    return new JdbcStore.Row(
        id,
        ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8),
        state.wireName(),
        finishedAt);
  }

  private static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @EnumSource(names = {"EMBEDDED", "POSTGRESQL"})
  void createsTheSchemaOnceAndKeepsRowsAcrossReopening(StoreKind kind) {
    StoreOptions o = databases.fresh(kind).build();
    try (JdbcStore db = JdbcStore.open(o)) {
      assertThat(db.schemaVersion()).isEqualTo(Schema.LATEST);
      db.upsert(StoredMap.FUNCTIONS, List.of(row("fn-1", "one")));
    }
    try (JdbcStore db = JdbcStore.open(o)) {
      assertThat(db.schemaVersion()).isEqualTo(Schema.LATEST);
      assertThat(text(db.read(StoredMap.FUNCTIONS, "fn-1"))).isEqualTo("one");
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"EMBEDDED", "POSTGRESQL"})
  void writesReplacesReadsAndDeletesRowsOfEveryMap(StoreKind kind) {
    try (JdbcStore db = JdbcStore.open(databases.fresh(kind).build())) {
      for (StoredMap m : StoredMap.values()) {
        List<JdbcStore.Row> rows = new ArrayList<>();
        for (String id : List.of("a", "b", "c")) {
          rows.add(
              m.isTasks()
                  ? new JdbcStore.Row(id, (m + id).getBytes(StandardCharsets.UTF_8), "queued", 0)
                  : row(id, m + id));
        }
        db.upsert(m, rows);
        db.upsert(
            m,
            List.of(
                m.isTasks()
                    ? new JdbcStore.Row(
                        "b", "new".getBytes(StandardCharsets.UTF_8), "succeeded", 42)
                    : row("b", "new")));

        assertThat(db.keys(m)).as(m.table()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(text(db.read(m, "b"))).as(m.table()).isEqualTo("new");
        Map<String, byte[]> some = db.readAll(m, List.of("a", "c", "missing"));
        assertThat(some.keySet()).containsExactlyInAnyOrder("a", "c");
        assertThat(text(some.get("c"))).isEqualTo(m + "c");

        db.delete(m, List.of("a", "missing"));
        assertThat(db.read(m, "a")).isNull();
        assertThat(db.keys(m)).containsExactlyInAnyOrder("b", "c");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"EMBEDDED", "POSTGRESQL"})
  void writesAndReadsMoreRowsThanOneBatchOrOneQuery(StoreKind kind) {
    try (JdbcStore db = JdbcStore.open(databases.fresh(kind).writeBatchSize(7).build())) {
      List<JdbcStore.Row> rows = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 1234; i++) {
        rows.add(row("k" + i, "v" + i));
        ids.add("k" + i);
      }
      db.upsert(StoredMap.TOKENS, rows);
      assertThat(db.keys(StoredMap.TOKENS)).hasSize(1234);
      Map<String, byte[]> all = db.readAll(StoredMap.TOKENS, ids);
      assertThat(all).hasSize(1234);
      assertThat(text(all.get("k1233"))).isEqualTo("v1233");
      db.delete(StoredMap.TOKENS, ids.subList(0, 1000));
      assertThat(db.keys(StoredMap.TOKENS)).hasSize(234);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"EMBEDDED", "POSTGRESQL"})
  void aFailedWriteLeavesNoRowOfItsBatchAndIsReportedWithItsCause(StoreKind kind) {
    try (JdbcStore db = JdbcStore.open(databases.fresh(kind).writeBatchSize(2).build())) {
      List<JdbcStore.Row> rows =
          List.of(
              row("x1", "1"),
              row("x2", "2"),
              row("x3", "3"),
              new JdbcStore.Row("x4", null, null, 0));

      assertThatThrownBy(() -> db.upsert(StoredMap.POOLS, rows))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("cannot write 4 row(s) to gale_pools")
          .hasMessageContaining(kind == StoreKind.EMBEDDED ? "embedded" : "postgresql");
      assertThat(db.health().healthy()).isFalse();
      assertThat(db.health().lastError()).contains("gale_pools");
      assertThat(db.keys(StoredMap.POOLS)).isEmpty();

      db.upsert(StoredMap.POOLS, rows.subList(0, 3));
      assertThat(db.health().healthy()).isTrue();
      assertThat(db.health().failures()).isEqualTo(1);
      assertThat(db.keys(StoredMap.POOLS)).hasSize(3);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"EMBEDDED", "POSTGRESQL"})
  void selectsUnfinishedTasksAndTheNewestRecentlyFinishedOnes(StoreKind kind) {
    long now = System.currentTimeMillis();
    long hour = 3_600_000;
    try (JdbcStore db = JdbcStore.open(databases.fresh(kind).build())) {
      db.upsert(
          StoredMap.TASKS,
          List.of(
              task("waiting", TaskState.WAITING, 0),
              task("queued", TaskState.QUEUED, 0),
              task("running", TaskState.RUNNING, 0),
              task("ok-1h", TaskState.SUCCEEDED, now - hour),
              task("cancelled-2h", TaskState.CANCELLED, now - 2 * hour),
              task("failed-48h", TaskState.FAILED, now - 48 * hour)));

      assertThat(db.taskKeysToLoad(now - 24 * hour, 100))
          .containsExactlyInAnyOrder("waiting", "queued", "running", "ok-1h", "cancelled-2h");
      assertThat(db.taskKeysToLoad(now - 24 * hour, 1))
          .containsExactlyInAnyOrder("waiting", "queued", "running", "ok-1h");
      assertThat(db.taskKeysToLoad(now - 24 * hour, 0))
          .containsExactlyInAnyOrder("waiting", "queued", "running");
      assertThat(db.taskKeysToLoad(0, 100)).hasSize(6);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"EMBEDDED", "POSTGRESQL"})
  void storesArtifactsOfManyMegabytes(StoreKind kind) {
    byte[] jar = new byte[6 * 1024 * 1024];
    new Random(7).nextBytes(jar);
    try (JdbcStore db = JdbcStore.open(databases.fresh(kind).build())) {
      db.upsert(StoredMap.ARTIFACTS, List.of(new JdbcStore.Row("sha256:x", jar, null, 0)));
      assertThat(db.read(StoredMap.ARTIFACTS, "sha256:x")).isEqualTo(jar);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"EMBEDDED", "POSTGRESQL"})
  void anUnfinishedTaskIsLoadedWhateverFinishedAtItCarries(StoreKind kind) {
    long now = System.currentTimeMillis();
    try (JdbcStore db = JdbcStore.open(databases.fresh(kind).build())) {
      db.upsert(
          StoredMap.TASKS,
          List.of(
              task("queued-again", TaskState.QUEUED, now - 1_000),
              task("ok-long-ago", TaskState.SUCCEEDED, now - 48 * 3_600_000L)));
      assertThat(db.taskKeysToLoad(now - 3_600_000L, 100)).containsExactly("queued-again");
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"EMBEDDED", "POSTGRESQL"})
  void aDatabaseOfSchemaVersionTwoLosesTheStateIndexAndKeepsItsTasks(StoreKind kind)
      throws Exception {
    StoreOptions o = databases.fresh(kind).build();
    try (JdbcStore db = JdbcStore.open(o)) {
      db.upsert(
          StoredMap.TASKS,
          List.of(task("queued", TaskState.QUEUED, 0), task("running", TaskState.RUNNING, 0)));
    }
    try (Connection c = connect(o, kind)) {
      assertThat(indexesOfTasks(c))
          .doesNotContain("gale_tasks_state")
          .contains("gale_tasks_finished_at");
      try (Statement s = c.createStatement()) {
        s.executeUpdate("CREATE INDEX gale_tasks_state ON gale_tasks (state)");
        s.executeUpdate("UPDATE gale_schema SET version = 2 WHERE id = 1");
      }
      if (!c.getAutoCommit()) {
        c.commit();
      }
      assertThat(indexesOfTasks(c)).contains("gale_tasks_state");
    }
    try (JdbcStore db = JdbcStore.open(o)) {
      assertThat(db.schemaVersion()).isEqualTo(Schema.LATEST);
      assertThat(db.taskKeysToLoad(0, 100)).containsExactlyInAnyOrder("queued", "running");
    }
    try (Connection c = connect(o, kind)) {
      assertThat(indexesOfTasks(c)).doesNotContain("gale_tasks_state");
    }
  }

  /**
   * A task codec over text bodies {@code tenant|function|createdAt|state|finishedAt}: enough for
   * the columns the store derives from a task.
   */
  private static final class TextTasks implements TaskCodec<String> {
    private static String[] f(String v) {
      return v.split("\\|");
    }

    @Override
    public byte[] encode(String v) {
      return v.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String decode(byte[] b) {
      String v = new String(b, StandardCharsets.UTF_8);
      if (f(v).length != 5) {
        throw new StoreException("not a text task: " + v, null);
      }
      return v;
    }

    @Override
    public TaskState state(String v) {
      return TaskState.fromWire(f(v)[3]);
    }

    @Override
    public long finishedAt(String v) {
      return Long.parseLong(f(v)[4]);
    }

    @Override
    public String tenant(String v) {
      return f(v)[0];
    }

    @Override
    public String functionId(String v) {
      return f(v)[1];
    }

    @Override
    public long createdAt(String v) {
      return Long.parseLong(f(v)[2]);
    }
  }

  private static JdbcStore.Row textTask(String id, String body) {
    TextTasks c = new TextTasks();
    return new JdbcStore.Row(
        id,
        c.encode(body),
        c.state(body).wireName(),
        c.finishedAt(body),
        c.tenant(body),
        c.functionId(body),
        c.createdAt(body));
  }

  private static List<String> bodies(List<byte[]> rows) {
    return rows.stream().map(JdbcStoreIT::text).toList();
  }

  @ParameterizedTest
  @EnumSource(names = {"EMBEDDED", "POSTGRESQL"})
  void listsOneTenantsFinishedTasksNewestFirstByPageAndFilter(StoreKind kind) {
    try (JdbcStore db = JdbcStore.open(databases.fresh(kind).build())) {
      db.upsert(
          StoredMap.TASKS,
          List.of(
              textTask("a1", "acme|f|100|succeeded|150"),
              textTask("a2", "acme|g|200|failed|250"),
              textTask("a3", "acme|f|200|cancelled|260"),
              textTask("a4", "acme|f|300|running|0"),
              textTask("a5", "acme|f|400|succeeded|450"),
              textTask("b1", "other|f|500|succeeded|550")));
      assertThat(bodies(db.finishedTasks("acme", null, null, Long.MAX_VALUE, null, 10)))
          .containsExactly(
              "acme|f|400|succeeded|450",
              "acme|f|200|cancelled|260",
              "acme|g|200|failed|250",
              "acme|f|100|succeeded|150");
      // after (200, a3): the tie at 200 continues with the smaller id
      assertThat(bodies(db.finishedTasks("acme", null, null, 200, "a3", 10)))
          .containsExactly("acme|g|200|failed|250", "acme|f|100|succeeded|150");
      assertThat(bodies(db.finishedTasks("acme", null, null, Long.MAX_VALUE, null, 2))).hasSize(2);
      assertThat(bodies(db.finishedTasks("acme", "succeeded", "f", Long.MAX_VALUE, null, 10)))
          .containsExactly("acme|f|400|succeeded|450", "acme|f|100|succeeded|150");
      assertThat(db.finishedTasks("nobody", null, null, Long.MAX_VALUE, null, 10)).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"EMBEDDED", "POSTGRESQL"})
  void deletesTasksFinishedBeforeACutoffInBatchesAndNothingUnfinished(StoreKind kind) {
    try (JdbcStore db = JdbcStore.open(databases.fresh(kind).build())) {
      db.upsert(
          StoredMap.TASKS,
          List.of(
              textTask("old1", "acme|f|1|succeeded|10"),
              textTask("old2", "acme|f|2|failed|20"),
              textTask("old3", "acme|f|3|cancelled|30"),
              textTask("new", "acme|f|4|succeeded|1000"),
              textTask("open", "acme|f|5|queued|0")));
      assertThat(db.deleteFinishedBefore(500, 2)).isEqualTo(2);
      assertThat(db.read(StoredMap.TASKS, "old1")).isNull();
      assertThat(db.read(StoredMap.TASKS, "old2")).isNull();
      assertThat(db.deleteFinishedBefore(500, 2)).isEqualTo(1);
      assertThat(db.deleteFinishedBefore(500, 2)).isZero();
      assertThat(db.read(StoredMap.TASKS, "new")).isNotNull();
      assertThat(db.read(StoredMap.TASKS, "open")).isNotNull();
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"EMBEDDED", "POSTGRESQL"})
  void aDatabaseOfSchemaVersionThreeGetsTheListingColumnsFilledFromTheBodies(StoreKind kind)
      throws Exception {
    StoreOptions o = databases.fresh(kind).writeBatchSize(2).build();
    try (JdbcStore db = JdbcStore.open(o)) {
      // rows as version 3 wrote them: no tenant, function or creation time
      db.upsert(
          StoredMap.TASKS,
          List.of(
              new JdbcStore.Row(
                  "t1",
                  "acme|f|100|succeeded|150".getBytes(StandardCharsets.UTF_8),
                  "succeeded",
                  150),
              new JdbcStore.Row(
                  "t2", "acme|f|200|failed|250".getBytes(StandardCharsets.UTF_8), "failed", 250),
              new JdbcStore.Row(
                  "t3",
                  "acme|g|300|succeeded|350".getBytes(StandardCharsets.UTF_8),
                  "succeeded",
                  350),
              new JdbcStore.Row(
                  "bad", "not a task".getBytes(StandardCharsets.UTF_8), "succeeded", 400)));
    }
    try (Connection c = connect(o, kind);
        Statement s = c.createStatement()) {
      s.executeUpdate("DROP INDEX IF EXISTS gale_tasks_listing");
      s.executeUpdate("ALTER TABLE gale_tasks DROP COLUMN tenant");
      s.executeUpdate("ALTER TABLE gale_tasks DROP COLUMN function_id");
      s.executeUpdate("ALTER TABLE gale_tasks DROP COLUMN created_at");
      s.executeUpdate("UPDATE gale_schema SET version = 3 WHERE id = 1");
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
    try (JdbcStore db = JdbcStore.open(o)) {
      assertThat(db.schemaVersion()).isEqualTo(Schema.LATEST);
      assertThat(db.finishedTasks("acme", null, null, Long.MAX_VALUE, null, 10)).isEmpty();
      assertThat(db.fillTaskColumns(new TextTasks())).isEqualTo(3);
      assertThat(bodies(db.finishedTasks("acme", null, null, Long.MAX_VALUE, null, 10)))
          .containsExactly(
              "acme|g|300|succeeded|350", "acme|f|200|failed|250", "acme|f|100|succeeded|150");
      assertThat(text(db.read(StoredMap.TASKS, "bad"))).isEqualTo("not a task");
      assertThat(db.fillTaskColumns(new TextTasks())).isZero();
    }
    try (Connection c = connect(o, kind)) {
      assertThat(indexesOfTasks(c)).contains("gale_tasks_listing");
    }
  }

  private static Connection connect(StoreOptions o, StoreKind kind) throws Exception {
    return DriverManager.getConnection(
        o.effectiveJdbcUrl(), "gale", kind == StoreKind.EMBEDDED ? "" : null);
  }

  /** Names of the task table's indexes, lower case. */
  private static List<String> indexesOfTasks(Connection c) throws Exception {
    List<String> names = new ArrayList<>();
    for (String table : List.of("gale_tasks", "GALE_TASKS")) {
      try (var rs = c.getMetaData().getIndexInfo(null, null, table, false, false)) {
        while (rs.next()) {
          String n = rs.getString("INDEX_NAME");
          if (n != null) {
            names.add(n.toLowerCase(java.util.Locale.ROOT));
          }
        }
      }
    }
    return names;
  }

  @ParameterizedTest
  @EnumSource(names = {"EMBEDDED", "POSTGRESQL"})
  void refusesADatabaseWhoseSchemaIsNewerThanThisCode(StoreKind kind) throws Exception {
    StoreOptions o = databases.fresh(kind).build();
    JdbcStore.open(o).close();
    try (Connection c =
            DriverManager.getConnection(
                o.effectiveJdbcUrl(), "gale", kind == StoreKind.EMBEDDED ? "" : null);
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE gale_schema SET version = 99 WHERE id = 1");
    }
    assertThatThrownBy(() -> JdbcStore.open(o))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("schema version 99")
        .hasMessageContaining("newer than this Gale knows (" + Schema.LATEST + ")");
  }

  @Test
  void anUnreachablePostgresqlIsAClearErrorWithoutThePassword() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    StoreOptions o =
        StoreOptions.postgresql(
            "jdbc:postgresql://127.0.0.1:" + closedPort + "/gale", "gale", "s3cret-pw");
    assertThatThrownBy(() -> JdbcStore.open(o))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(
            "cannot open the store (postgresql jdbc:postgresql://127.0.0.1:" + closedPort)
        .hasMessageNotContaining("s3cret-pw");
  }

  @Test
  void anEmbeddedDatabaseInAPlaceThatCannotBeADirectoryIsAClearError() throws Exception {
    Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
    StoreOptions o = StoreOptions.embedded(file.resolve("db"));
    assertThatThrownBy(() -> JdbcStore.open(o))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot create the directory of the embedded database")
        .hasMessageContaining(file.toString());
  }
}
