package dev.gale.cli.server;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds the command line of a worker process started by {@code gale up}: this JVM's java, class
 * path and the JVM flags that matter (module opens, system properties), then {@code Main worker}.
 * The worker token is passed in the environment, never on the command line.
 */
public final class WorkerLauncher {
  private WorkerLauncher() {}

  /**
   * System property naming the class-data sharing archive trained on a worker; the {@code gale}
   * script sets it while that archive matches the jars.
   */
  static final String CDS_PROPERTY = "gale.cds.worker";

  /** The {@code java} executable running this JVM. */
  public static String javaExecutable() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * The JVM flags of this JVM a worker should share: {@code --add-opens/--add-exports/
   * --add-modules} and {@code -D} properties. Debug agents, heap sizes and other {@code -X} flags
   * are left out.
   */
  public static List<String> inheritedJvmFlags() {
    return inheritedJvmFlags(ManagementFactory.getRuntimeMXBean().getInputArguments());
  }

  static List<String> inheritedJvmFlags(List<String> input) {
    List<String> out = new ArrayList<>();
    for (String a : input) {
      if (a.startsWith("--add-opens=")
          || a.startsWith("--add-exports=")
          || a.startsWith("--add-modules=")
          || (a.startsWith("-D")
              && !a.startsWith("-Djdk.module.")
              && !a.startsWith("-Djava.class.path"))) {
        out.add(a);
      }
    }
    return out;
  }

  /**
   * The flags that map the worker archive, or none: when no archive is named or it is gone, and
   * when the extra options already choose an archive themselves (e.g. to train one).
   */
  static List<String> sharedArchiveFlags(String archive, String extraJvmOptions) {
    if (archive == null
        || archive.isBlank()
        || !Files.isRegularFile(Path.of(archive))
        || (extraJvmOptions != null
            && (extraJvmOptions.contains("SharedArchiveFile")
                || extraJvmOptions.contains("ArchiveClassesAtExit")
                || extraJvmOptions.contains("-Xshare")))) {
      return List.of();
    }
    return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
  }

  /**
   * The argv of a worker.
   *
   * @param extraJvmOptions space-separated extra JVM options (may be blank)
   * @param workerArgs the arguments after {@code worker}; may contain {@code {block}} placeholders
   */
  public static List<String> command(String extraJvmOptions, List<String> workerArgs) {
    List<String> argv = new ArrayList<>();
    argv.add(javaExecutable());
    argv.addAll(inheritedJvmFlags());
    argv.addAll(sharedArchiveFlags(System.getProperty(CDS_PROPERTY), extraJvmOptions));
    if (extraJvmOptions != null && !extraJvmOptions.isBlank()) {
      argv.addAll(Arrays.asList(extraJvmOptions.trim().split("\\s+")));
    }
    argv.add("-cp");
    argv.add(System.getProperty("java.class.path"));
    argv.add("dev.gale.cli.Main");
    argv.add("worker");
    argv.addAll(workerArgs);
    return argv;
  }
}
