package dev.gale.transfer.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Helpers of the transfer benchmarks (mains run by hand, not tests; see BENCHMARKS.md). */
final class Bench {
  static final long MIB = 1024 * 1024;

  private Bench() {}

  /** A run that moves {@code bytes} and returns nothing. */
  @FunctionalInterface
  interface Run {
    void run() throws Exception;
  }

  /** Seconds one run takes. */
  static double time(Run r) throws Exception {
    long t0 = System.nanoTime();
    r.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** MiB/s of moving {@code bytes} in {@code seconds}. */
  static double rate(long bytes, double seconds) {
    return bytes / (double) MIB / seconds;
  }

  static String summary(String name, long bytes, List<Double> seconds) {
    List<Double> rates = seconds.stream().map(s -> rate(bytes, s)).sorted().toList();
    return String.format(
        "%-34s median %7.1f MiB/s  (runs: %s)",
        name,
        rate(bytes, median(seconds)),
        rates.stream().map(r -> String.format("%.1f", r)).toList());
  }

  /** A file of random bytes (not compressible, so no layer can cheat). */
  static Path randomFile(Path dir, long bytes) throws IOException {
    Path f = dir.resolve("bench-" + bytes + ".bin");
    byte[] chunk = new byte[(int) MIB];
    Random r = new Random(42);
    try (OutputStream out = Files.newOutputStream(f)) {
      for (long done = 0; done < bytes; done += chunk.length) {
        r.nextBytes(chunk);
        out.write(chunk, 0, (int) Math.min(chunk.length, bytes - done));
      }
    }
    return f;
  }
}
