package dev.gale.runtime.kinds.python;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.gale.api.Json;
import dev.gale.api.RawJson;
import dev.gale.runtime.process.ProcessTrees;
import dev.gale.runtime.process.WorkDirs;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One warm {@code python3} process running {@code gale_driver.py}. Used by one slot thread at a
 * time; {@link #kill()} may be called from any thread.
 */
final class PythonProcess {
  private static final Logger LOG = LoggerFactory.getLogger(PythonProcess.class);
  private static final int STDERR_TAIL = 4096;
  private static final String OK_PREFIX = "{\"ok\":true,\"result\":";

  private final Process process;
  private final BufferedWriter requests;
  private final BufferedReader responses;
  private final StringBuilder stderrTail = new StringBuilder();
  private final Set<String> defined = new HashSet<>();
  private final ScheduledExecutorService timer;
  private final Duration killGrace;
  private volatile boolean killed;
  private String version;

  private PythonProcess(Process process, ScheduledExecutorService timer, Duration killGrace) {
    this.process = process;
    this.timer = timer;
    this.killGrace = killGrace;
    this.requests =
        new BufferedWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), 8192);
    this.responses =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8), 8192);
    Thread drain =
        new Thread(() -> drainStderr(process.getErrorStream()), "gale-python-stderr-" + pid());
    drain.setDaemon(true);
    drain.start();
  }

  /**
   * Starts the interpreter without waiting for it (call {@link #awaitReady()} next).
   *
   * @throws IOException when the executable cannot be started
   */
  static PythonProcess launch(
      String python, Path driver, Path cwd, ScheduledExecutorService timer, Duration killGrace)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(List.of(python, "-u", driver.toString())).directory(cwd.toFile());
    WorkDirs.scrubAgentVariables(pb.environment());
    pb.environment().put("PYTHONIOENCODING", "utf-8");
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    return new PythonProcess(pb.start(), timer, killGrace);
  }

  /**
   * Waits for the driver's ready line.
   *
   * @throws IOException when the process exits or answers something else; the message includes its
   *     stderr
   */
  void awaitReady() throws IOException {
    String line = responses.readLine();
    if (line == null || !line.startsWith("{\"ready\":true")) {
      kill();
      throw new IOException(
          "the interpreter did not start the driver"
              + (line == null ? "" : " (it answered: " + clip(line) + ")")
              + exitDescription());
    }
    version = Json.readTree(line).path("python").asText("?");
  }

  /** The interpreter's version, once ready. */
  String version() {
    return version;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return !killed && process.isAlive();
  }

  boolean killed() {
    return killed;
  }

  /**
   * Calls a function: sends its source first if this process has not seen the function yet.
   *
   * @return the driver's response line, or null when the process died (killed or crashed)
   */
  Response call(String functionKey, String source, String entrypoint, RawJson args)
      throws IOException {
    boolean first = !defined.contains(functionKey);
    String request = requestLine(functionKey, first ? source : null, entrypoint, args);
    try {
      requests.write(request);
      requests.write('\n');
      requests.flush();
    } catch (IOException e) {
      return null;
    }
    String line;
    try {
      line = responses.readLine();
    } catch (IOException e) {
      return null;
    }
    if (line == null) {
      return null;
    }
    if (line.startsWith(OK_PREFIX) && line.endsWith("}")) {
      defined.add(functionKey);
      return new Response(RawJson.of(line.substring(OK_PREFIX.length(), line.length() - 1)), null);
    }
    var node = Json.readTree(line);
    var error = node.path("error");
    if (!"invalid_function".equals(error.path("code").asText())) {
      defined.add(functionKey);
    }
    if (node.path("ok").asBoolean(false)) {
      return new Response(RawJson.of(node.get("result")), null);
    }
    return new Response(null, Json.mapper().convertValue(error, dev.gale.api.ErrorInfo.class));
  }

  /** A driver answer: a result or an error. */
  record Response(RawJson result, dev.gale.api.ErrorInfo error) {}

  private static String requestLine(
      String functionKey, String source, String entrypoint, RawJson args) throws IOException {
    String argsJson = args.json();
    if (argsJson.indexOf('\n') >= 0 || argsJson.indexOf('\r') >= 0) {
      argsJson = args.toTree().toString();
    }
    StringWriter w = new StringWriter(argsJson.length() + 64);
    try (JsonGenerator g = Json.mapper().getFactory().createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("fid", functionKey);
      if (source != null) {
        g.writeStringField("source", source);
        g.writeStringField("entrypoint", entrypoint);
      }
      g.writeFieldName("args");
      g.writeRawValue(argsJson);
      g.writeEndObject();
    }
    return w.toString();
  }

  /** Kills the interpreter and everything it started; idempotent, does not wait. */
  void kill() {
    killed = true;
    ProcessTrees.kill(process.toHandle(), killGrace, timer);
  }

  /** How the process ended, with the end of its stderr, for error messages. */
  String exitDescription() {
    StringBuilder sb = new StringBuilder();
    try {
      if (process.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        sb.append("; exit code ").append(process.exitValue());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String tail = stderrTail();
    if (!tail.isBlank()) {
      sb.append("; stderr: ").append(tail.strip());
    }
    return sb.toString();
  }

  Integer exitCode() {
    try {
      if (process.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        return process.exitValue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return null;
  }

  String stderrTail() {
    synchronized (stderrTail) {
      return stderrTail.toString();
    }
  }

  private void drainStderr(InputStream err) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        LOG.debug("python[{}]: {}", process.pid(), line);
        synchronized (stderrTail) {
          stderrTail.append(line).append('\n');
          if (stderrTail.length() > STDERR_TAIL) {
            stderrTail.delete(0, stderrTail.length() - STDERR_TAIL);
          }
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
  }

  private static String clip(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
