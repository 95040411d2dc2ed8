package dev.gale.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real single-node Slurm run by {@code scripts/slurm-testbed.sh} in a directory of its own.
 * Without Slurm installed the test is skipped, unless {@code CI=true}: then it fails.
 */
final class SlurmTestbed implements AutoCloseable {
  private static final List<String> BINARIES =
      List.of("slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "scancel");

  private final Path dir;

  private SlurmTestbed(Path dir) {
    this.dir = dir;
  }

  /** Starts a testbed in {@code dir}, or skips (fails in CI) when Slurm is not installed. */
  static SlurmTestbed start(Path dir) throws Exception {
    List<String> missing = BINARIES.stream().filter(b -> !onPath(b)).toList();
    if (!missing.isEmpty()) {
      String how =
          "Slurm is not installed (missing "
              + String.join(", ", missing)
              + "); install it with `sudo scripts/slurm-testbed.sh install`";
      if ("true".equals(System.getenv("CI"))) {
        fail(how);
      }
      Assumptions.assumeTrue(false, how);
    }
    run("start", dir);
    return new SlurmTestbed(dir);
  }

  /** The {@code slurm.conf} the commands must use. */
  Path conf() {
    return dir.resolve("slurm.conf");
  }

  @Override
  public void close() throws Exception {
    run("stop", dir);
  }

  private static boolean onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
    for (String d : path.split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
        return true;
      }
    }
    return false;
  }

  private static void run(String action, Path dir) throws Exception {
    Path script = Path.of(System.getProperty("gale.repo.dir", ".."), "scripts/slurm-testbed.sh");
    Path log = Files.createTempFile("slurm-testbed-", ".log");
    Process p =
        new ProcessBuilder("bash", script.toString(), action, dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("slurm-testbed.sh " + action + " did not finish in 90 s");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "slurm-testbed.sh " + action + " failed: " + Files.readString(log));
    }
    Files.deleteIfExists(log);
  }
}
