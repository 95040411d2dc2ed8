package dev.gale.cli;

import dev.gale.api.GaleException;
import dev.gale.cli.commands.ArtifactsCommand;
import dev.gale.cli.commands.BenchCommand;
import dev.gale.cli.commands.ConfigCommand;
import dev.gale.cli.commands.FunctionsCommand;
import dev.gale.cli.commands.InvokeCommand;
import dev.gale.cli.commands.PoolsCommand;
import dev.gale.cli.commands.TasksCommand;
import dev.gale.cli.commands.TokensCommand;
import dev.gale.cli.commands.WorkersCommand;
import dev.gale.cli.config.Config;
import dev.gale.cli.config.ConfigDefaults;
import dev.gale.cli.config.ConfigException;
import dev.gale.cli.config.ConfigKey;
import dev.gale.cli.config.Setting;
import dev.gale.cli.server.GatewayCommand;
import dev.gale.cli.server.ScalerCommand;
import dev.gale.cli.server.SchedulerCommand;
import dev.gale.cli.server.UpCommand;
import dev.gale.cli.server.WorkerCommand;
import dev.gale.client.GaleClientException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code gale} command: the roles of a deployment ({@code up}, {@code gateway}, {@code
 * scheduler}, {@code scaler}, {@code worker}) and the client commands.
 *
 * <p>Exit codes: 0 success, 1 an API or runtime error, 2 a usage or configuration error. Errors are
 * one line on stderr, {@code error: <code>: <message>}; never a stack trace (set {@code
 * GALE_DEBUG=1} to see one).
 */
@Command(
    name = "gale",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Gale: a serverless-style function service.")
public final class Main implements Runnable {
  /**
   * The commands, in the order of {@code gale --help}. A command line that names one of them gets
   * only that one registered: building picocli's model of every command (reflection over all their
   * options) costs a short-lived JVM such as a worker's a noticeable part of its start.
   */
  static final List<Class<?>> COMMANDS =
      List.of(
          UpCommand.class,
          GatewayCommand.class,
          SchedulerCommand.class,
          ScalerCommand.class,
          WorkerCommand.class,
          FunctionsCommand.class,
          InvokeCommand.class,
          TasksCommand.class,
          TokensCommand.class,
          PoolsCommand.class,
          WorkersCommand.class,
          ArtifactsCommand.class,
          ConfigCommand.class,
          BenchCommand.class,
          CommandLine.HelpCommand.class);

  /** Success. */
  public static final int OK = 0;

  /** The service answered with an error, a task failed, or a role failed to start. */
  public static final int FAILED = 1;

  /** Bad arguments or configuration. */
  public static final int USAGE = 2;

  private final Map<String, String> env;
  private final Config config;

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "properties file with gale.<module>.<key> settings (also $GALE_CONFIG)")
  Path configFile;

  @Setting(ConfigKey.HOME)
  @Option(
      names = "--home",
      scope = ScopeType.INHERIT,
      paramLabel = "DIR",
      description = "state directory (default: ${DEFAULT-VALUE}; $GALE_HOME)")
  Path home;

  Main(Map<String, String> env, Config config) {
    this.env = env;
    this.config = config;
  }

  public static void main(String[] args) {
    int code =
        execute(
            args,
            System.getenv(),
            new PrintWriter(System.out, true),
            new PrintWriter(System.err, true));
    System.exit(code);
  }

  /** Runs the command line in this JVM and returns the exit code (for tests and embedding). */
  public static int execute(
      String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    Config config;
    try {
      String file = configArgument(args);
      if (file == null) {
        file = env.get("GALE_CONFIG");
      }
      config = Config.load(env, file == null || file.isBlank() ? null : Path.of(file));
    } catch (ConfigException e) {
      err.println("error: config: " + e.getMessage());
      err.flush();
      return USAGE;
    }
    CommandLine cl = commandLine(env, config, args);
    cl.setOut(out)
        .setErr(err)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExpandAtFiles(false) // "@file" is ours: JSON options read files themselves
        .setParameterExceptionHandler(Main::usageError)
        .setExecutionExceptionHandler((e, line, parsed) -> runtimeError(e, line, env));
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /**
   * The command line for {@code args}: {@code gale} with the command they name (or all of them) and
   * the configuration below its flags.
   */
  static CommandLine commandLine(Map<String, String> env, Config config, String[] args) {
    CommandLine cl = new CommandLine(new Main(env, config));
    Class<?> named = commandNamed(args);
    for (Class<?> c : named != null ? List.of(named) : COMMANDS) {
      cl.addSubcommand(c);
    }
    return cl.setDefaultValueProvider(new ConfigDefaults(config));
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a command is required");
  }

  /** The environment the command line runs with. */
  public Map<String, String> env() {
    return env;
  }

  /** The resolved configuration (below flags). */
  public Config config() {
    return config;
  }

  /** {@code --home}, or its configured default. */
  public Path home() {
    return home != null ? home : Path.of(config.get(ConfigKey.HOME));
  }

  /** The {@link Main} at the root of a running command. */
  public static Main of(CommandLine.Model.CommandSpec spec) {
    return (Main) spec.root().userObject();
  }

  /**
   * The command the line names (its first word that is not an option of {@code gale} itself or the
   * value of one), or null when it names none of {@link #COMMANDS}, or asks for {@code help}: then
   * every command is registered.
   */
  static Class<?> commandNamed(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--config") || a.equals("--home")) {
        i++;
        continue;
      }
      if (a.startsWith("-")) {
        continue;
      }
      for (Class<?> c : COMMANDS) {
        Command command = c.getAnnotation(Command.class);
        if (command != null && command.name().equals(a) && c != CommandLine.HelpCommand.class) {
          return c;
        }
      }
      return null;
    }
    return null;
  }

  /** The value of {@code --config} anywhere on the line (before {@code --}), or null. */
  static String configArgument(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--")) {
        return null;
      }
      if (args[i].equals("--config")) {
        if (i + 1 >= args.length) {
          throw new ConfigException("--config needs a FILE");
        }
        return args[i + 1];
      }
      if (args[i].startsWith("--config=")) {
        return args[i].substring("--config=".length());
      }
    }
    return null;
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    String name = cmd.getCommandSpec().qualifiedName();
    err.println("error: usage: " + e.getMessage() + " (see '" + name + " --help')");
    return USAGE;
  }

  private static int runtimeError(Exception ex, CommandLine line, Map<String, String> env) {
    PrintWriter err = line.getErr();
    Throwable e = ex;
    while ((e instanceof java.util.concurrent.CompletionException
            || e instanceof java.util.concurrent.ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    int code;
    String text;
    if (e instanceof ConfigException) {
      code = USAGE;
      text = "config: " + e.getMessage();
    } else if (e instanceof GaleClientException g) {
      code = FAILED;
      text = g.code() + ": " + g.getMessage();
    } else if (e instanceof GaleException g) {
      code = g.code().startsWith("invalid") ? USAGE : FAILED;
      text = g.code() + ": " + g.getMessage();
    } else {
      code = FAILED;
      text = "internal: " + e;
    }
    err.println("error: " + text.strip().replace('\n', ' '));
    if (env.get("GALE_DEBUG") != null) {
      e.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  /** The version from the JAR manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"gale " + (v == null ? "(development build)" : v)};
    }
  }
}
