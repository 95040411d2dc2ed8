package dev.gale.runtime.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launches programs through a long-lived spawn helper (a small python3 process, see {@link
 * SpawnHelper}), so that the agent's JVM does not fork once per program: the helper's {@code
 * posix_spawn} from a ~10 MB process costs a fraction of a JVM fork, and it reads the programs'
 * output itself, so no thread per pipe is needed.
 *
 * <p>The helper starts on the first launch. When it dies, the programs it ran are killed and
 * reported lost, and the next launch starts a new one. When it cannot start (no python3, too old)
 * the launcher logs that once and uses {@link ProcessBuilderLauncher} instead, trying the helper
 * again after {@link #RETRY_AFTER}. Thread-safe.
 */
public final class SpawnHelperLauncher implements ProcessLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(SpawnHelperLauncher.class);

  /** How long the launcher uses the fallback after the helper failed to start. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(30);

  private final String python;
  private final Path dir;
  private final ProcessLauncher fallback;
  private SpawnHelper helper;
  private Path script;
  private long retryAtNanos;
  private boolean warned;
  private boolean closed;
  private boolean warming;

  /**
   * @param python the python3 executable
   * @param dir a directory of the agent's where the helper script is written (created on first use)
   * @param fallback what launches programs while no helper runs; closed with this launcher
   */
  public SpawnHelperLauncher(String python, Path dir, ProcessLauncher fallback) {
    this.python = python;
    this.dir = dir;
    this.fallback = fallback;
  }

  @Override
  public LaunchedProcess launch(
      List<String> argv, Path cwd, Map<String, String> env, int maxOutputBytes) throws IOException {
    SpawnHelper h = helper();
    if (h == null) {
      return fallback.launch(argv, cwd, env, maxOutputBytes);
    }
    return h.launch(argv, cwd, env, maxOutputBytes);
  }

  @Override
  public void warmUp() {
    synchronized (this) {
      if (closed || warming || (helper != null && helper.isAlive())) {
        return;
      }
      warming = true;
    }
    Thread t =
        new Thread(
            () -> {
              try {
                helper();
              } catch (IOException e) {
                // closed meanwhile
              } finally {
                synchronized (this) {
                  warming = false;
                }
              }
            },
            "gale-spawn-helper-start");
    t.setDaemon(true);
    t.start();
  }

  /** The running helper, started when needed; null while the fallback is in use. */
  private synchronized SpawnHelper helper() throws IOException {
    if (closed) {
      throw new IOException("the launcher is closed");
    }
    if (helper != null && helper.isAlive()) {
      return helper;
    }
    if (helper != null) {
      LOG.warn("spawn helper {} died; starting a new one", helper.pid());
      helper.close();
      helper = null;
    }
    if (retryAtNanos != 0 && System.nanoTime() - retryAtNanos < 0) {
      return null;
    }
    try {
      helper = SpawnHelper.start(python, script());
      retryAtNanos = 0;
      if (warned) {
        LOG.info("spawn helper started; programs no longer fork the JVM");
        warned = false;
      }
      return helper;
    } catch (IOException e) {
      retryAtNanos = System.nanoTime() + RETRY_AFTER.toNanos();
      if (!warned) {
        warned = true;
        LOG.warn(
            "cannot start the spawn helper with '{}' ({}); programs are started from the JVM"
                + " (slower) until it can",
            python,
            e.getMessage());
      } else {
        LOG.debug("spawn helper still cannot start: {}", e.getMessage());
      }
      return null;
    }
  }

  /** Writes the helper script under the agent's directory once. */
  private Path script() throws IOException {
    if (script == null) {
      Files.createDirectories(dir);
      Path target = dir.resolve("gale_spawn.py");
      try (InputStream in = SpawnHelperLauncher.class.getResourceAsStream("gale_spawn.py")) {
        if (in == null) {
          throw new IOException("gale_spawn.py is missing from the runtime JAR");
        }
        Path tmp = Files.createTempFile(dir, "gale_spawn", ".tmp");
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      script = target;
    }
    return script;
  }

  /** The running helper's process id, or -1 when none runs; for tests and diagnostics. */
  public synchronized long helperPid() {
    return helper != null && helper.isAlive() ? helper.pid() : -1;
  }

  @Override
  public void close() {
    SpawnHelper h;
    synchronized (this) {
      closed = true;
      h = helper;
      helper = null;
    }
    if (h != null) {
      h.close();
    }
    fallback.close();
  }
}
