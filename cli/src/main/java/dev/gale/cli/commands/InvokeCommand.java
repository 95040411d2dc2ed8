package dev.gale.cli.commands;

import dev.gale.api.ErrorInfo;
import dev.gale.api.Task;
import dev.gale.api.TaskState;
import dev.gale.cli.Main;
import dev.gale.client.GaleClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gale invoke FN}: runs a function once and prints the task. Waits for the end unless {@code
 * --async}; exits 1 when the task failed or was cancelled.
 */
@Command(
    name = "invoke",
    mixinStandardHelpOptions = true,
    description = {
      "Invoke a function once and print the task.",
      "Exit code 1 when the task failed or was cancelled."
    })
public final class InvokeCommand extends ClientCommand {
  @Parameters(paramLabel = "FUNCTION", description = "function id or name")
  String function;

  @Option(
      names = "--args",
      paramLabel = "JSON|@FILE",
      description = "arguments, a JSON object (default: {})")
  String args;

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      description = "wait at most this long for the end (default: until it ends)")
  Integer waitSeconds;

  @Option(names = "--async", description = "print the task at once without waiting")
  boolean async;

  @Option(names = "--pool", description = "run in this pool instead of the function's")
  String pool;

  @Option(names = "--priority", description = "higher runs first")
  Integer priority;

  @Override
  public Integer call() {
    if (waitSeconds != null && waitSeconds < 0) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--wait must not be negative");
    }
    GaleClient c = client();
    String id = FunctionsCommand.resolve(c, function);
    int first =
        async
            ? 0
            : waitSeconds == null
                ? TaskWaits.STEP_SECONDS
                : Math.min(waitSeconds, TaskWaits.STEP_SECONDS);
    long start = System.nanoTime();
    Task t = c.invoke(id, args == null ? null : json("--args", args), first, pool, priority);
    if (!async) {
      Integer left =
          waitSeconds == null
              ? null
              : (int) Math.max(0, waitSeconds - (System.nanoTime() - start) / 1_000_000_000L);
      t = TaskWaits.await(c, t, left);
    }
    print(t);
    return exitCode(t);
  }

  /** 1 with an error line for a failed or cancelled task, else 0. */
  int exitCode(Task t) {
    if (t.state() == TaskState.FAILED || t.state() == TaskState.CANCELLED) {
      ErrorInfo e = t.error();
      printError(
          e == null ? t.state().wireName() : e.code(),
          (e == null || e.message() == null ? "task " + t.state().wireName() : e.message())
              + " (task "
              + t.id()
              + ")");
      return Main.FAILED;
    }
    return Main.OK;
  }
}
