package dev.gale.benchmarks;

import dev.gale.api.TaskState;
import dev.gale.scheduler.impl.TaskTransitions;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The allowed-transition table every entry processor consults ({@link TaskTransitions#allowed}),
 * without a cluster: all 36 pairs of states per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TransitionsBenchmark {
  private static final TaskState[] STATES = TaskState.values();

  @Benchmark
  @OperationsPerInvocation(36)
  public void allowedForEveryPair(Blackhole bh) {
    for (TaskState from : STATES) {
      for (TaskState to : STATES) {
        bh.consume(TaskTransitions.allowed(from, to));
      }
    }
  }
}
