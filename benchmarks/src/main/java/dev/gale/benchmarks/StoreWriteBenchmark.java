package dev.gale.benchmarks;

import dev.gale.scheduler.impl.TaskRecord;
import dev.gale.scheduler.impl.TaskRecordCodec;
import dev.gale.scheduler.store.JdbcMapStore;
import dev.gale.scheduler.store.JdbcStore;
import dev.gale.scheduler.store.StoreOptions;
import dev.gale.scheduler.store.StoredMap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The durable write of finished tasks: {@link JdbcMapStore#storeAll} of {@value #BATCH} new task
 * records (encoded by {@link TaskRecordCodec}) into the embedded H2 database, as Hazelcast's
 * write-behind calls it for the task map; scores are rows/s. The records are built before each call
 * and not measured. The database grows over the run, as a service's does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
public class StoreWriteBenchmark {
  static final int BATCH = 1_000;
  private static final String SAMPLE_ID = "t-01HF3QBENCH00000000000001";

  private Path dir;
  private JdbcStore db;
  private JdbcMapStore<TaskRecord> store;
  private final TaskRecordCodec codec = new TaskRecordCodec();
  private String sample;
  private long batches;
  private Map<String, TaskRecord> rows;

  @Setup(Level.Trial)
  public void open() throws Exception {
    dir = Files.createTempDirectory("gale-bench-store");
    db = JdbcStore.open(StoreOptions.embedded(dir));
    store = new JdbcMapStore<>(db, StoredMap.TASKS, codec);
    sample = new String(Samples.storedRecord(), StandardCharsets.UTF_8);
  }

  @Setup(Level.Invocation)
  public void nextBatch() {
    String batch = "t" + Long.toString(0x1000000000L + batches++, 36);
    rows = new LinkedHashMap<>(BATCH * 2);
    for (int i = 0; i < BATCH; i++) {
      String id = batch + "." + i;
      rows.put(id, codec.decode(sample.replace(SAMPLE_ID, id).getBytes(StandardCharsets.UTF_8)));
    }
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    db.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void storeAllNewTasks() {
    store.storeAll(rows);
  }
}
