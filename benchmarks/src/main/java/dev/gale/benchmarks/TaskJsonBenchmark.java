package dev.gale.benchmarks;

import dev.gale.api.Json;
import dev.gale.api.Task;
import dev.gale.scheduler.impl.TaskRecord;
import dev.gale.scheduler.impl.TaskRecordCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JSON handling of tasks: a task record to and from the task table's JSON ({@link TaskRecordCodec},
 * written through to the database for every state change), and the task JSON the gateway writes
 * ({@code Json.writeBytes} of {@link Task}, one task or a {@code {"tasks": [...]}} page of 1,000)
 * and a client reads back.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TaskJsonBenchmark {
  private final TaskRecordCodec codec = new TaskRecordCodec();
  private byte[] stored;
  private TaskRecord record;
  private Task task;
  private byte[] taskJson;
  private Map<String, List<Task>> page;

  @Setup
  public void setUp() {
    stored = Samples.storedRecord();
    record = codec.decode(stored);
    task = Samples.finishedTask();
    taskJson = Json.writeBytes(task);
    List<Task> tasks = new ArrayList<>(1000);
    for (int i = 0; i < 1000; i++) {
      tasks.add(task);
    }
    page = Map.of("tasks", tasks);
  }

  @Benchmark
  public byte[] encodeTaskRecord() {
    return codec.encode(record);
  }

  @Benchmark
  public TaskRecord decodeTaskRecord() {
    return codec.decode(stored);
  }

  @Benchmark
  public byte[] writeTaskJson() {
    return Json.writeBytes(task);
  }

  /** One call writes 1,000 tasks: divide the score's time by 1,000 for one. */
  @Benchmark
  public byte[] writeTaskPageOf1000() {
    return Json.writeBytes(page);
  }

  @Benchmark
  public Task readTaskJson() {
    return Json.read(new String(taskJson, java.nio.charset.StandardCharsets.UTF_8), Task.class);
  }
}
