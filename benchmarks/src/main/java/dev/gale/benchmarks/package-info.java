/**
 * JMH micro-benchmarks of Gale's hot paths, on the real classes:
 *
 * <pre>
 *  TaskJsonBenchmark        task record ⇄ stored JSON (TaskRecordCodec), task JSON the gateway writes
 *  TransitionsBenchmark     the allowed-transition table (no cluster)
 *  SchedulerPathsBenchmark  one embedded Hazelcast member on loopback:
 *                           submit (→ queued), dispatch (ready queues → running),
 *                           result path (worker's result frame → succeeded)
 * </pre>
 *
 * Run: {@code mvn -B -pl benchmarks -am package -DskipTests}, then {@code java -jar
 * benchmarks/target/benchmarks.jar} (JMH options as usual, e.g. {@code -wi 2 -i 3 -f 1}).
 */
package dev.gale.benchmarks;
