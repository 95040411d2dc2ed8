package dev.gale.cli.commands;

import dev.gale.api.Task;
import dev.gale.api.TaskState;
import dev.gale.cli.Main;
import dev.gale.client.GaleClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gale tasks get|list|cancel|wait}. */
@Command(
    name = "tasks",
    mixinStandardHelpOptions = true,
    description = "Read, list, cancel and wait for tasks.",
    subcommands = {
      TasksCommand.Get.class,
      TasksCommand.ListTasks.class,
      TasksCommand.Cancel.class,
      TasksCommand.Wait.class
    })
public final class TasksCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "a subcommand is required: get, list, cancel or wait");
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a task.")
  static final class Get extends ClientCommand {
    @Parameters(paramLabel = "TASK")
    String id;

    @Option(
        names = "--wait",
        paramLabel = "SECONDS",
        description = "wait up to this long for it to end (default: 0)")
    int waitSeconds;

    @Override
    public Integer call() {
      GaleClient c = client();
      Task t = c.getTask(id, Math.min(waitSeconds, TaskWaits.STEP_SECONDS));
      if (waitSeconds > TaskWaits.STEP_SECONDS) {
        t = TaskWaits.await(c, t, waitSeconds - TaskWaits.STEP_SECONDS);
      }
      print(t);
      return Main.OK;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List your tasks, newest first.")
  static final class ListTasks extends ClientCommand {
    @Option(
        names = "--state",
        description = "only this state: waiting, queued, running, succeeded, failed, cancelled")
    String state;

    @Option(names = "--function", description = "only tasks of this function id")
    String function;

    @Option(names = "--limit", description = "page size (default: the service's)")
    int limit;

    @Option(names = "--cursor", description = "nextCursor of the previous page")
    String cursor;

    @Override
    public Integer call() {
      TaskState s = null;
      if (state != null) {
        try {
          s = TaskState.fromWire(state.toLowerCase(java.util.Locale.ROOT));
        } catch (RuntimeException e) {
          throw new ParameterException(spec.commandLine(), e.getMessage());
        }
      }
      print(client().listTasks(s, function, limit, cursor));
      return Main.OK;
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a task.")
  static final class Cancel extends ClientCommand {
    @Parameters(paramLabel = "TASK")
    String id;

    @Override
    public Integer call() {
      print(client().cancel(id));
      return Main.OK;
    }
  }

  @Command(
      name = "wait",
      mixinStandardHelpOptions = true,
      description = {
        "Wait until tasks end and print them.",
        "Exit code 1 when one failed or was cancelled."
      })
  static final class Wait extends ClientCommand {
    @Parameters(paramLabel = "TASK", arity = "1..*")
    List<String> ids;

    @Option(
        names = "--wait",
        paramLabel = "SECONDS",
        description = "wait at most this long (default: until they end)")
    Integer waitSeconds;

    @Override
    public Integer call() {
      GaleClient c = client();
      long deadline =
          waitSeconds == null ? Long.MAX_VALUE : System.nanoTime() + waitSeconds * 1_000_000_000L;
      List<Task> tasks = c.waitTasks(ids, TaskWaits.step(deadline));
      while (!tasks.stream().allMatch(TaskWaits::isTerminal)) {
        int step = TaskWaits.step(deadline);
        if (step <= 0) {
          break;
        }
        tasks = c.waitTasks(ids, step);
      }
      print(tasks);
      List<String> bad = new ArrayList<>();
      for (Task t : tasks) {
        if (t.state() == TaskState.FAILED || t.state() == TaskState.CANCELLED) {
          bad.add(t.id() + " " + t.state().wireName());
        }
      }
      if (!bad.isEmpty()) {
        printError("tasks_failed", String.join(", ", bad));
        return Main.FAILED;
      }
      return Main.OK;
    }
  }
}
