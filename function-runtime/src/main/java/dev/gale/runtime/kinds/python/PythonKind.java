package dev.gale.runtime.kinds.python;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.ErrorInfo;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.api.protocol.FunctionSpec;
import dev.gale.runtime.spi.Attempt;
import dev.gale.runtime.spi.AttemptOutcome;
import dev.gale.runtime.spi.Cancellation;
import dev.gale.runtime.spi.ErrorCodes;
import dev.gale.runtime.spi.FunctionKind;
import dev.gale.runtime.spi.KindEnvironment;
import dev.gale.runtime.spi.PreparedFunction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code python} kind: calls {@code entrypoint(**args)} in a warm {@code python3} process.
 *
 * <p>Spec: {@code {"source": "def f(x): ...", "entrypoint": "f"}}. Each busy slot holds one
 * interpreter running {@code gale_driver.py}; idle interpreters are reused by the next call, and a
 * function's source is compiled once per interpreter. The result is the returned JSON value; an
 * exception fails with {@code exception} and {@code {type, message, traceback, stdout, stderr}}
 * details. Timeout and cancellation kill the interpreter's process tree; a fresh interpreter is
 * started in the background to keep the pool warm. Without a usable interpreter every call fails
 * with {@code runtime_unavailable}.
 */
public final class PythonKind implements FunctionKind {
  private static final Logger LOG = LoggerFactory.getLogger(PythonKind.class);
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final Duration KILL_GRACE = Duration.ofSeconds(2);

  private final KindEnvironment env;
  private final ConcurrentLinkedDeque<PythonProcess> idle = new ConcurrentLinkedDeque<>();
  private final Set<PythonProcess> all = ConcurrentHashMap.newKeySet();
  private final Object setupLock = new Object();
  private volatile Path driver;
  private volatile boolean closed;
  private ExecutorService replenisher;

  public PythonKind(KindEnvironment environment) {
    this.env = environment;
  }

  @Override
  public String key() {
    return "python";
  }

  @Override
  public PreparedFunction prepare(FunctionSpec function) {
    JsonNode spec = function.spec();
    if (spec == null || !spec.isObject()) {
      throw invalid("python spec must be an object with \"source\" and \"entrypoint\"");
    }
    JsonNode source = spec.get("source");
    if (source == null || !source.isTextual() || source.asText().isBlank()) {
      throw invalid("python spec needs \"source\": the function's Python source code");
    }
    JsonNode entrypoint = spec.get("entrypoint");
    if (entrypoint == null || !entrypoint.isTextual()) {
      throw invalid("python spec needs \"entrypoint\": the name of the function to call");
    }
    if (!IDENTIFIER.matcher(entrypoint.asText()).matches()) {
      throw invalid("python entrypoint '" + entrypoint.asText() + "' is not a Python identifier");
    }
    String key = function.id() + "#" + digest(source.asText() + "\0" + entrypoint.asText());
    return new PythonFunction(key, source.asText(), entrypoint.asText());
  }

  private static InvalidRequestException invalid(String message) {
    return new InvalidRequestException(ErrorCodes.INVALID_FUNCTION, message, null);
  }

  private final class PythonFunction implements PreparedFunction {
    private final String key;
    private final String source;
    private final String entrypoint;

    PythonFunction(String key, String source, String entrypoint) {
      this.key = key;
      this.source = source;
      this.entrypoint = entrypoint;
    }

    @Override
    public AttemptOutcome run(Attempt attempt) {
      Cancellation cancellation = attempt.cancellation();
      AtomicReference<PythonProcess> current = new AtomicReference<>();
      PythonProcess process;
      PythonProcess.Response response;
      try (Cancellation.Registration ignored =
          cancellation.onCancel(
              () -> {
                PythonProcess p = current.get();
                if (p != null) {
                  p.kill();
                }
              })) {
        try {
          process = borrow(current, cancellation);
        } catch (IOException e) {
          if (cancellation.isCancelled()) {
            return AttemptOutcome.failure(cancellation.reason().code(), "stopped while starting");
          }
          return AttemptOutcome.failure(
              ErrorCodes.RUNTIME_UNAVAILABLE,
              "cannot start python ('" + env.python() + "'): " + e.getMessage(),
              Json.object().put("python", env.python()));
        }
        try {
          response = process.call(key, source, entrypoint, attempt.args());
        } catch (IOException | RuntimeException e) {
          LOG.debug("python call failed", e);
          process.kill();
          response = null;
        }
      }
      // the cancellation action is gone: the process can be handed back safely
      if (response == null) {
        all.remove(process);
        replenish();
        if (cancellation.isCancelled()) {
          return AttemptOutcome.failure(
              cancellation.reason().code(), "python process killed: " + cancellation.reason());
        }
        Integer exit = process.exitCode();
        return AttemptOutcome.failure(
            ErrorCodes.PROCESS_DIED,
            "the python process died during the call"
                + (exit == null ? "" : " (exit code " + exit + ")"),
            Json.object()
                .put("exitCode", exit == null ? -1 : exit)
                .put("stderr", process.stderrTail()));
      }
      giveBack(process);
      if (response.error() != null) {
        ErrorInfo error = response.error();
        return AttemptOutcome.failure(error);
      }
      return AttemptOutcome.success(response.result());
    }
  }

  private PythonProcess borrow(AtomicReference<PythonProcess> current, Cancellation cancellation)
      throws IOException {
    PythonProcess p;
    while ((p = idle.pollFirst()) != null) {
      if (p.isAlive()) {
        current.set(p);
        if (cancellation.isCancelled()) {
          p.kill();
        }
        return p;
      }
      all.remove(p);
    }
    p = launch();
    current.set(p);
    if (cancellation.isCancelled()) {
      p.kill();
    }
    try {
      p.awaitReady();
    } catch (IOException e) {
      all.remove(p);
      throw e;
    }
    return p;
  }

  private PythonProcess launch() throws IOException {
    if (closed) {
      throw new IOException("the python kind is closed");
    }
    Path driverPath = driver();
    PythonProcess p =
        PythonProcess.launch(
            env.python(), driverPath, driverPath.getParent(), env.timer(), KILL_GRACE);
    all.add(p);
    if (closed) {
      p.kill();
    }
    return p;
  }

  private void giveBack(PythonProcess process) {
    if (closed || !process.isAlive()) {
      all.remove(process);
      process.kill();
      replenish();
      return;
    }
    idle.offerFirst(process);
  }

  /** Starts a replacement interpreter in the background so that the pool stays warm. */
  private void replenish() {
    ExecutorService executor;
    synchronized (setupLock) {
      if (closed) {
        return;
      }
      if (replenisher == null) {
        replenisher =
            Executors.newSingleThreadExecutor(
                r -> {
                  Thread t = new Thread(r, "gale-python-warmup");
                  t.setDaemon(true);
                  return t;
                });
      }
      executor = replenisher;
    }
    try {
      executor.execute(
          () -> {
            if (closed || all.size() >= env.slots()) {
              return;
            }
            try {
              PythonProcess p = launch();
              p.awaitReady();
              giveBack(p);
            } catch (IOException e) {
              LOG.debug("could not start a replacement python process: {}", e.getMessage());
            }
          });
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /** Writes the driver under the agent's work dir once. */
  private Path driver() throws IOException {
    Path d = driver;
    if (d != null) {
      return d;
    }
    synchronized (setupLock) {
      if (driver == null) {
        Path dir = Files.createDirectories(env.workDir().resolve("python"));
        Path target = dir.resolve("gale_driver.py");
        try (InputStream in = PythonKind.class.getResourceAsStream("gale_driver.py")) {
          if (in == null) {
            throw new IOException("gale_driver.py is missing from the runtime JAR");
          }
          Path tmp = Files.createTempFile(dir, "gale_driver", ".tmp");
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.move(
              tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        driver = target;
      }
      return driver;
    }
  }

  /** Number of live interpreters (idle and busy); for tests and metrics. */
  int processCount() {
    all.removeIf(p -> !p.isAlive());
    return all.size();
  }

  /** Idle interpreters' process ids, most recently used first; for tests. */
  java.util.List<Long> idlePids() {
    return idle.stream().map(PythonProcess::pid).toList();
  }

  @Override
  public void close() {
    ExecutorService executor;
    synchronized (setupLock) {
      closed = true;
      executor = replenisher;
    }
    if (executor != null) {
      executor.shutdownNow();
    }
    for (PythonProcess p : all) {
      p.kill();
    }
    all.clear();
    idle.clear();
  }

  private static String digest(String text) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
