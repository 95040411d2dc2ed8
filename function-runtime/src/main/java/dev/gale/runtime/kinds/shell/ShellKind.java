package dev.gale.runtime.kinds.shell;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.api.RawJson;
import dev.gale.api.protocol.FunctionSpec;
import dev.gale.runtime.process.LaunchedProcess;
import dev.gale.runtime.process.ProcessBuilderLauncher;
import dev.gale.runtime.process.ProcessLauncher;
import dev.gale.runtime.process.ProcessOutcome;
import dev.gale.runtime.process.SpawnHelperLauncher;
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
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

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
  static final Duration PIPE_LINGER = LaunchedProcess.PIPE_LINGER;

  /**
   * Selects how programs are started: {@code helper} (the default, through a long-lived spawn
   * helper) or {@code jvm} (a {@link ProcessBuilder} per program). System property {@code
   * gale.runtime.spawn}, else the environment variable {@code GALE_RUNTIME_SPAWN}.
   */
  public static final String SPAWN_PROPERTY = "gale.runtime.spawn";

  private final ScheduledExecutorService timer;
  private final ProcessLauncher launcher;

  public ShellKind(KindEnvironment environment) {
    this(environment, spawnMode());
  }

  /**
   * @param spawnMode {@code helper} or {@code jvm}, see {@link #SPAWN_PROPERTY}
   */
  public ShellKind(KindEnvironment environment, String spawnMode) {
    this.timer = environment.timer();
    this.launcher =
        switch (spawnMode) {
          case "helper" ->
              new SpawnHelperLauncher(
                  environment.python(),
                  environment.workDir().resolve("spawn"),
                  new ProcessBuilderLauncher());
          case "jvm" -> new ProcessBuilderLauncher();
          default ->
              throw new IllegalArgumentException(
                  SPAWN_PROPERTY + " must be 'helper' or 'jvm', got '" + spawnMode + "'");
        };
  }

  private static String spawnMode() {
    String mode = System.getProperty(SPAWN_PROPERTY);
    if (mode == null || mode.isBlank()) {
      mode = System.getenv("GALE_RUNTIME_SPAWN");
    }
    return mode == null || mode.isBlank() ? "helper" : mode.strip();
  }

  /** The launcher this kind starts programs with; for tests. */
  ProcessLauncher launcher() {
    return launcher;
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
    launcher.warmUp();
    return new ShellFunction(template, Map.copyOf(env));
  }

  private static InvalidRequestException invalid(String message) {
    return new InvalidRequestException(ErrorCodes.INVALID_FUNCTION, message, null);
  }

  @Override
  public void close() {
    launcher.close();
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

      Map<String, String> environment = new HashMap<>(env);
      environment.put("GALE_TASK_ID", attempt.taskId());
      environment.put("GALE_ATTEMPT", Integer.toString(attempt.attempt()));

      LaunchedProcess process;
      ProcessOutcome ended;
      try {
        process =
            launcher.launch(
                argv, attempt.workDir(), environment, attempt.limits().maxOutputBytes());
        try (Cancellation.Registration ignored =
            cancellation.onCancel(() -> process.kill(KILL_GRACE, timer))) {
          ended = process.waitFor();
        } catch (InterruptedException e) {
          process.killForcibly();
          throw e;
        }
      } catch (IOException e) {
        return AttemptOutcome.failure(
            ErrorCodes.EXEC_FAILED,
            "cannot run '" + argv.get(0) + "': " + rootMessage(e),
            Json.object().put("program", argv.get(0)));
      }
      if (ended.lost() != null) {
        if (cancellation.isCancelled()) {
          return AttemptOutcome.failure(
              cancellation.reason().code(), "process tree killed: " + cancellation.reason());
        }
        return AttemptOutcome.failure(
            ErrorCodes.PROCESS_DIED,
            "'" + argv.get(0) + "' was lost: " + ended.lost(),
            Json.object().put("exitCode", -1).put("program", argv.get(0)));
      }
      int exitCode = ended.exitCode();

      ObjectNode result = Json.object();
      result.put("exitCode", exitCode);
      result.put("stdout", ended.stdout());
      result.put("stderr", ended.stderr());
      result.put("truncated", ended.truncated());
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

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String msg = t.getMessage();
    return msg == null ? t.getClass().getSimpleName() : msg;
  }
}
