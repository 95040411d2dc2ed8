package dev.gale.runtime.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running spawn helper ({@code gale_spawn.py}, see its docstring for the protocol): a small
 * python3 process that starts programs with {@code posix_spawn} on request, so that the JVM never
 * forks per program. Requests go to its stdin; one reader thread takes the replies from its stdout
 * and completes the programs' futures. When the helper dies, every program it was running is killed
 * and reported {@linkplain ProcessOutcome#lost lost}; the helper is not restarted here (see {@link
 * SpawnHelperLauncher}). Thread-safe.
 */
final class SpawnHelper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SpawnHelper.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
  private static final int STDERR_TAIL = 4096;

  private final Process process;
  private final OutputStream requests;
  private final InputStream replies;
  private final Map<Long, Spawned> running = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final CompletableFuture<Long> ready = new CompletableFuture<>();
  private final StringBuilder stderrTail = new StringBuilder();
  private volatile String deathReason;

  private SpawnHelper(Process process) {
    this.process = process;
    this.requests = process.getOutputStream();
    this.replies = new BufferedInputStream(process.getInputStream(), 1 << 16);
  }

  /**
   * Starts a helper and waits for its ready line.
   *
   * @param python the python3 executable
   * @param script the helper script on disk
   * @throws IOException when python cannot be started or the helper does not come up; the message
   *     includes its stderr
   */
  static SpawnHelper start(String python, Path script) throws IOException {
    // -I: ignore PYTHON* variables and the user's site directory; -S: no site import (faster)
    ProcessBuilder pb =
        new ProcessBuilder(List.of(python, "-I", "-S", script.toString()))
            .directory(script.getParent().toFile());
    WorkDirs.scrubAgentVariables(pb.environment());
    Process p = pb.start();
    SpawnHelper helper = new SpawnHelper(p);
    Thread reader = new Thread(helper::readReplies, "gale-spawn-helper-" + p.pid());
    reader.setDaemon(true);
    reader.start();
    Thread drain = new Thread(helper::drainStderr, "gale-spawn-helper-stderr-" + p.pid());
    drain.setDaemon(true);
    drain.start();
    try {
      helper.ready.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      helper.close();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the spawn helper started", e);
    } catch (ExecutionException | TimeoutException e) {
      helper.close();
      throw new IOException("the spawn helper did not start" + helper.exitDescription(), e);
    }
    return helper;
  }

  /** The helper's process id. */
  long pid() {
    return process.pid();
  }

  /** False once the helper died or was closed. */
  boolean isAlive() {
    return deathReason == null && process.isAlive();
  }

  /**
   * See {@link ProcessLauncher#launch}. Pipelined: returns once the request is written, without
   * waiting for the helper's answer; a program that cannot start is reported by {@link
   * LaunchedProcess#waitFor()}.
   */
  LaunchedProcess launch(List<String> argv, Path cwd, Map<String, String> env, int maxOutputBytes)
      throws IOException {
    long id = ids.incrementAndGet();
    byte[] line;
    try {
      line = Json.writeBytes(new SpawnRequest(id, argv, cwd.toString(), env, maxOutputBytes));
    } catch (RuntimeException e) {
      throw new IOException("cannot encode the command for the spawn helper: " + e.getMessage(), e);
    }
    Spawned spawned = new Spawned(id);
    running.put(id, spawned);
    try {
      send(line);
    } catch (IOException e) {
      running.remove(id);
      return new Lost(lostMessage());
    }
    if (deathReason != null) {
      // the reader may have failed everything before this program was registered
      spawned.fail(lostMessage());
    }
    return spawned;
  }

  /** A {@code spawn} request as the helper reads it (see gale_spawn.py). */
  private record SpawnRequest(
      long id, List<String> argv, String cwd, Map<String, String> env, int max) {
    @com.fasterxml.jackson.annotation.JsonProperty("op")
    String op() {
      return "spawn";
    }
  }

  private void send(ObjectNode request) throws IOException {
    send(Json.writeBytes(request));
  }

  private void send(byte[] line) throws IOException {
    synchronized (requests) {
      requests.write(line);
      requests.write('\n');
      requests.flush();
    }
  }

  private void readReplies() {
    String reason = "its output ended";
    try {
      while (true) {
        String header = readLine();
        if (header == null) {
          break;
        }
        JsonNode reply = Json.readTree(header);
        String type = reply.path("t").asText();
        switch (type) {
          case "ready" -> ready.complete(reply.path("pid").asLong());
          case "started" -> started(reply.path("id").asLong(), reply.path("pid").asLong());
          case "failed" -> failed(reply);
          case "exit" -> exited(reply);
          default -> throw new IOException("unknown reply from the spawn helper: " + header);
        }
      }
    } catch (IOException | RuntimeException e) {
      reason = e.toString();
    }
    died(reason);
  }

  private void started(long id, long pid) {
    Spawned s = running.get(id);
    if (s != null) {
      s.started(pid);
    }
  }

  private void failed(JsonNode reply) {
    Spawned s = running.remove(reply.path("id").asLong());
    if (s != null) {
      s.done.completeExceptionally(
          new ExecFailedException(
              "error=" + reply.path("errno").asInt() + ", " + reply.path("message").asText()));
    }
  }

  private void exited(JsonNode reply) throws IOException {
    byte[] out = readBytes(reply.path("out").asInt());
    byte[] err = readBytes(reply.path("err").asInt());
    Spawned s = running.remove(reply.path("id").asLong());
    if (s != null) {
      s.done.complete(
          new ProcessOutcome(
              reply.path("code").asInt(),
              new String(out, StandardCharsets.UTF_8),
              new String(err, StandardCharsets.UTF_8),
              reply.path("truncated").asBoolean(),
              null));
    }
  }

  /** The helper is gone: its programs are orphans now, so kill them and report them lost. */
  private void died(String reason) {
    boolean closing = deathReason != null;
    deathReason = reason;
    ready.completeExceptionally(new IOException(reason));
    if (!running.isEmpty() && !closing) {
      LOG.warn(
          "spawn helper {} died ({}); killing the {} programs it ran{}",
          process.pid(),
          reason,
          running.size(),
          exitDescription());
    }
    for (Spawned s : running.values()) {
      s.fail(lostMessage());
    }
    running.clear();
    process.destroyForcibly();
  }

  private String lostMessage() {
    return "the spawn helper died while the program ran" + exitDescription();
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    int b;
    while ((b = replies.read()) >= 0) {
      if (b == '\n') {
        return line.toString(StandardCharsets.UTF_8);
      }
      line.write(b);
    }
    if (line.size() > 0) {
      throw new EOFException("the spawn helper's reply was cut off");
    }
    return null;
  }

  private byte[] readBytes(int n) throws IOException {
    byte[] bytes = replies.readNBytes(n);
    if (bytes.length != n) {
      throw new EOFException("the spawn helper's output was cut off");
    }
    return bytes;
  }

  private void drainStderr() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        LOG.debug("spawn helper[{}]: {}", process.pid(), line);
        synchronized (stderrTail) {
          stderrTail.append(line).append('\n');
          if (stderrTail.length() > STDERR_TAIL) {
            stderrTail.delete(0, stderrTail.length() - STDERR_TAIL);
          }
        }
      }
    } catch (IOException e) {
      // the helper is gone
    }
  }

  private String exitDescription() {
    StringBuilder sb = new StringBuilder();
    try {
      if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
        sb.append(" (exit code ").append(process.exitValue()).append(')');
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String tail;
    synchronized (stderrTail) {
      tail = stderrTail.toString().strip();
    }
    if (!tail.isEmpty()) {
      sb.append("; stderr: ").append(tail);
    }
    return sb.toString();
  }

  /** Closes the helper's stdin (it then kills its programs and exits), then kills it. */
  @Override
  public void close() {
    if (deathReason == null) {
      deathReason = "closed";
    }
    try {
      requests.close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The helper answered that the program could not be started. */
  private static final class ExecFailedException extends Exception {
    ExecFailedException(String message) {
      super(message, null, false, false);
    }
  }

  /** A program the helper was asked to start. */
  private final class Spawned implements LaunchedProcess {
    private final long id;
    final CompletableFuture<ProcessOutcome> done = new CompletableFuture<>();
    // guarded by this: the pid once the helper reported it, and a kill asked for before that
    private long pid = -1;
    private Duration pendingKill;
    private ScheduledExecutorService pendingTimer;

    Spawned(long id) {
      this.id = id;
    }

    @Override
    public synchronized long pid() {
      return pid;
    }

    /** The helper started the program; a kill that came first now reaches its tree too. */
    void started(long startedPid) {
      Duration kill;
      ScheduledExecutorService timer;
      synchronized (this) {
        pid = startedPid;
        kill = pendingKill;
        timer = pendingTimer;
      }
      if (kill != null) {
        killTree(startedPid, kill, timer);
      }
    }

    @Override
    public ProcessOutcome waitFor() throws InterruptedException, IOException {
      try {
        return done.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof ExecFailedException failed) {
          throw new IOException(failed.getMessage(), failed);
        }
        return ProcessOutcome.lost(String.valueOf(e.getCause().getMessage()));
      }
    }

    @Override
    public void kill(Duration grace, ScheduledExecutorService timer) {
      if (done.isDone()) {
        return;
      }
      // the helper signals the program's process group; the tree walk catches descendants
      // that left the group
      requestKill(grace);
      long p;
      synchronized (this) {
        p = pid;
        if (p < 0) {
          pendingKill = grace;
          pendingTimer = timer;
          return;
        }
      }
      killTree(p, grace, timer);
    }

    @Override
    public void killForcibly() {
      kill(Duration.ZERO, null);
    }

    private void killTree(long p, Duration grace, ScheduledExecutorService timer) {
      if (grace.isZero() || timer == null) {
        ProcessHandle.of(p).ifPresent(ProcessTrees::killForcibly);
      } else {
        ProcessHandle.of(p).ifPresent(h -> ProcessTrees.kill(h, grace, timer));
      }
    }

    private void requestKill(Duration grace) {
      try {
        send(Json.object().put("op", "kill").put("id", id).put("grace", grace.toMillis() / 1000.0));
      } catch (IOException e) {
        // the helper is gone: the tree walk still kills the program
      }
    }

    /** Kills the orphaned program (when its pid is known) and reports it lost. */
    void fail(String why) {
      long p = pid();
      if (p > 0) {
        ProcessHandle.of(p).ifPresent(ProcessTrees::killForcibly);
      }
      done.complete(ProcessOutcome.lost(why));
    }
  }

  /** A program whose start could not be confirmed because the helper died. */
  private record Lost(String why) implements LaunchedProcess {
    @Override
    public long pid() {
      return -1;
    }

    @Override
    public ProcessOutcome waitFor() {
      return ProcessOutcome.lost(why);
    }

    @Override
    public void kill(Duration grace, ScheduledExecutorService timer) {}

    @Override
    public void killForcibly() {}
  }
}
