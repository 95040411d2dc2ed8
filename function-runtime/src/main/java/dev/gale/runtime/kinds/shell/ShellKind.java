package dev.gale.runtime.kinds.shell;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.api.RawJson;
import dev.gale.api.protocol.FunctionSpec;
import dev.gale.runtime.process.BoundedCapture;
import dev.gale.runtime.process.ProcessTrees;
import dev.gale.runtime.process.WorkDirs;
import dev.gale.runtime.spi.Attempt;
import dev.gale.runtime.spi.AttemptOutcome;
import dev.gale.runtime.spi.Cancellation;
import dev.gale.runtime.spi.ErrorCodes;
import dev.gale.runtime.spi.FunctionKind;
import dev.gale.runtime.spi.KindEnvironment;
import dev.gale.runtime.spi.PreparedFunction;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code shell} kind: runs a program with an argv built from a template, never through a shell.
 *
 * <p>Spec: {@code {"command": ["prog", "--n", "{n}"], "env"?: {"NAME": "value"}}}. The process runs
 * in the attempt's fresh working directory with the agent's environment minus its own {@code
 * GALE_*} settings, plus {@code env}, {@code GALE_TASK_ID} and {@code GALE_ATTEMPT}; stdin is
 * empty. stdout and stderr are kept up to {@code maxOutputBytes} each (the rest is read and
 * dropped). Result: {@code {"exitCode", "stdout", "stderr", "truncated"}}; a non-zero exit fails
 * with {@code nonzero_exit} and that object as details. Timeout and cancellation kill the whole
 * process tree.
 */
public final class ShellKind implements FunctionKind {
  /** Time between {@code SIGTERM} and {@code SIGKILL} when a tree is killed. */
  static final Duration KILL_GRACE = Duration.ofSeconds(2);

  /** How long output pipes may stay open after the program exited (held by its background jobs). */
  static final Duration PIPE_LINGER = Duration.ofMillis(500);

  private final ScheduledExecutorService timer;
  private final ExecutorService pumps;

  public ShellKind(KindEnvironment environment) {
    this.timer = environment.timer();
    AtomicInteger n = new AtomicInteger();
    this.pumps =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "gale-shell-io-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public String key() {
    return "shell";
  }

  @Override
  public PreparedFunction prepare(FunctionSpec function) {
    JsonNode spec = function.spec();
    if (spec == null || !spec.isObject()) {
      throw invalid("shell spec must be an object with a \"command\" array");
    }
    JsonNode command = spec.get("command");
    if (command == null || !command.isArray() || command.isEmpty()) {
      throw invalid("shell spec needs \"command\": a non-empty array of strings");
    }
    List<String> argv = new ArrayList<>(command.size());
    for (int i = 0; i < command.size(); i++) {
      JsonNode element = command.get(i);
      if (!element.isTextual()) {
        throw invalid("shell command[" + i + "] must be a string, got " + element.getNodeType());
      }
      argv.add(element.asText());
    }
    if (argv.get(0).isEmpty()) {
      throw invalid("shell command[0] (the program) must not be empty");
    }
    ArgvTemplate template;
    try {
      template = ArgvTemplate.parse(argv);
    } catch (IllegalArgumentException e) {
      throw invalid("shell " + e.getMessage());
    }
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode envNode = spec.get("env");
    if (envNode != null && !envNode.isNull()) {
      if (!envNode.isObject()) {
        throw invalid("shell \"env\" must be an object of strings");
      }
      Iterator<Map.Entry<String, JsonNode>> fields = envNode.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode value = field.getValue();
        if (field.getKey().isEmpty() || field.getKey().indexOf('=') >= 0) {
          throw invalid("shell env name \"" + field.getKey() + "\" is not a valid variable name");
        }
        if (!value.isValueNode() || value.isNull()) {
          throw invalid("shell env \"" + field.getKey() + "\" must be a string");
        }
        env.put(field.getKey(), value.asText());
      }
    }
    return new ShellFunction(template, Map.copyOf(env));
  }

  private static InvalidRequestException invalid(String message) {
    return new InvalidRequestException(ErrorCodes.INVALID_FUNCTION, message, null);
  }

  @Override
  public void close() {
    pumps.shutdownNow();
  }

  private final class ShellFunction implements PreparedFunction {
    private final ArgvTemplate template;
    private final Map<String, String> env;

    ShellFunction(ArgvTemplate template, Map<String, String> env) {
      this.template = template;
      this.env = env;
    }

    @Override
    public AttemptOutcome run(Attempt attempt) throws InterruptedException {
      List<String> argv;
      try {
        Map<String, String> values =
            template.names().isEmpty() ? Map.of() : ArgText.of(attempt.args(), template.names());
        argv = template.render(values);
      } catch (ArgText.NotAnObjectException e) {
        return AttemptOutcome.failure(ErrorCodes.INVALID_ARGS, e.getMessage());
      } catch (ArgvTemplate.MissingArgumentException e) {
        ObjectNode details = Json.object().put("argument", e.name());
        return AttemptOutcome.failure(ErrorCodes.INVALID_ARGS, e.getMessage(), details);
      }
      Cancellation cancellation = attempt.cancellation();
      if (cancellation.isCancelled()) {
        return AttemptOutcome.failure(cancellation.reason().code(), "not started: cancelled");
      }

      ProcessBuilder pb = new ProcessBuilder(argv).directory(attempt.workDir().toFile());
      Map<String, String> environment = pb.environment();
      WorkDirs.scrubAgentVariables(environment);
      environment.putAll(env);
      environment.put("GALE_TASK_ID", attempt.taskId());
      environment.put("GALE_ATTEMPT", Integer.toString(attempt.attempt()));

      Process process;
      try {
        process = pb.start();
      } catch (IOException e) {
        return AttemptOutcome.failure(
            ErrorCodes.EXEC_FAILED,
            "cannot run '" + argv.get(0) + "': " + rootMessage(e),
            Json.object().put("program", argv.get(0)));
      }
      int max = attempt.limits().maxOutputBytes();
      BoundedCapture out = new BoundedCapture(max);
      BoundedCapture err = new BoundedCapture(max);
      try {
        process.getOutputStream().close();
      } catch (IOException e) {
        // the program may already have exited; stdin stays empty either way
      }
      Future<?> outPump = pumps.submit(() -> out.pump(process.getInputStream()));
      Future<?> errPump = pumps.submit(() -> err.pump(process.getErrorStream()));

      int exitCode;
      try (Cancellation.Registration ignored =
          cancellation.onCancel(() -> ProcessTrees.kill(process.toHandle(), KILL_GRACE, timer))) {
        exitCode = process.waitFor();
      } catch (InterruptedException e) {
        ProcessTrees.killForcibly(process.toHandle());
        throw e;
      }
      long lingerUntil = System.nanoTime() + PIPE_LINGER.toNanos();
      awaitPump(outPump, lingerUntil);
      awaitPump(errPump, lingerUntil);

      ObjectNode result = Json.object();
      result.put("exitCode", exitCode);
      result.put("stdout", out.text());
      result.put("stderr", err.text());
      result.put("truncated", out.truncated() || err.truncated());
      if (cancellation.isCancelled()) {
        return AttemptOutcome.failure(
            cancellation.reason().code(), "process tree killed: " + cancellation.reason(), result);
      }
      if (exitCode != 0) {
        return AttemptOutcome.failure(
            ErrorCodes.NONZERO_EXIT, "'" + argv.get(0) + "' exited with code " + exitCode, result);
      }
      return AttemptOutcome.success(RawJson.of(result));
    }
  }

  private static void awaitPump(Future<?> pump, long untilNanos) throws InterruptedException {
    long left = untilNanos - System.nanoTime();
    try {
      pump.get(Math.max(0, left), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // a background child still holds the pipe; report what arrived so far
    } catch (java.util.concurrent.ExecutionException e) {
      // the pump swallows I/O errors; nothing else can fail
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String msg = t.getMessage();
    return msg == null ? t.getClass().getSimpleName() : msg;
  }
}
