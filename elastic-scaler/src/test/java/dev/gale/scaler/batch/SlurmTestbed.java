package dev.gale.scaler.batch;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real single-node Slurm (with its Torque wrappers) for a test class, run by {@code
 * scripts/slurm-testbed.sh} in a directory of its own. Start it in {@code @BeforeAll}, close it in
 * {@code @AfterAll}.
 *
 * <p>Without Slurm installed the test is skipped with an assumption that says how to install it,
 * unless the environment variable {@code CI} is {@code true}: then it fails.
 */
public final class SlurmTestbed implements AutoCloseable {
  private static final List<String> BINARIES =
      List.of("slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "scancel", "qsub", "qstat");

  private final Path dir;

  private SlurmTestbed(Path dir) {
    this.dir = dir;
  }

  /** Starts a testbed in {@code dir}, or skips (fails in CI) when Slurm is not installed. */
  public static SlurmTestbed start(Path dir) {
    assumeInstalled();
    run("start", dir);
    return new SlurmTestbed(dir);
  }

  /** The {@code slurm.conf} the commands must use ({@code SLURM_CONF}). */
  public Path conf() {
    return dir.resolve("slurm.conf");
  }

  /** The testbed's directory (logs in {@code log/}). */
  public Path dir() {
    return dir;
  }

  /** Stops the daemons. */
  @Override
  public void close() {
    run("stop", dir);
  }

  /** Skips the test (fails it when {@code CI=true}) unless Slurm's programs are installed. */
  public static void assumeInstalled() {
    List<String> missing = BINARIES.stream().filter(b -> !onPath(b)).toList();
    if (missing.isEmpty()) {
      return;
    }
    String how =
        "Slurm is not installed (missing "
            + String.join(", ", missing)
            + "); install it with `sudo scripts/slurm-testbed.sh install`, i.e. `apt-get install -y"
            + " --no-install-recommends slurm-wlm slurm-wlm-torque munge`";
    if ("true".equals(System.getenv("CI"))) {
      fail(how);
    }
    Assumptions.assumeTrue(false, how);
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

  /** The testbed script, found from the working directory upwards. */
  static Path script() {
    Path d = Path.of("").toAbsolutePath();
    for (; d != null; d = d.getParent()) {
      Path s = d.resolve("scripts/slurm-testbed.sh");
      if (Files.isRegularFile(s)) {
        return s;
      }
    }
    throw new IllegalStateException(
        "scripts/slurm-testbed.sh not found above " + Path.of("").toAbsolutePath());
  }

  private static void run(String action, Path dir) {
    try {
      Path log = Files.createTempFile("slurm-testbed-", ".log");
      try {
        Process p =
            new ProcessBuilder("bash", script().toString(), action, dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          throw new IllegalStateException(
              "slurm-testbed.sh " + action + " did not finish in 90 s: " + Files.readString(log));
        }
        if (p.exitValue() != 0) {
          throw new IllegalStateException(
              "slurm-testbed.sh "
                  + action
                  + " "
                  + dir
                  + " failed with exit code "
                  + p.exitValue()
                  + ":\n"
                  + Files.readString(log, StandardCharsets.UTF_8));
        }
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run slurm-testbed.sh " + action, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
