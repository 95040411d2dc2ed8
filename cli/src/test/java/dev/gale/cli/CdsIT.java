package dev.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script's class-data sharing archives: {@code ./gale cds} trains a server and a
 * worker archive from a short {@code gale up}; later JVMs map them (client commands and {@code up}
 * the server archive, the workers {@code up} starts the worker archive); an archive older than the
 * jars is left alone, without a word on the command's output.
 */
class CdsIT {
  private static final Path SCRIPT = Path.of(System.getProperty("gale.repo.dir")).resolve("gale");

  @TempDir Path dir;

  @Test
  void trainedArchivesAreMappedByCommandsUpAndItsWorkersAndIgnoredOnceStale() throws Exception {
    Path cds = dir.resolve("cds");
    Result trained = run(Map.of(), 600, "cds");
    assertThat(trained.code).as(trained.toString()).isZero();
    Path server = cds.resolve("server.jsa");
    Path worker = cds.resolve("worker.jsa");
    assertThat(server).isNotEmptyFile();
    assertThat(worker).isNotEmptyFile();
    assertThat(trained.out).contains(server.toString(), worker.toString());

    // a client command maps the server archive: classes come from its dynamic ("top") layer
    Path classes = dir.resolve("classes.txt");
    Result version =
        run(Map.of("GALE_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes), 120, "--version");
    assertThat(version.code).as(version.toString()).isZero();
    assertThat(version.out.strip()).startsWith("gale ").doesNotContain("\n");
    assertThat(Files.readString(classes)).contains("source: shared objects file (top)");

    // gale up hands the worker archive to the workers it starts
    Path home = dir.resolve("home");
    ProcessBuilder pb =
        command(
            Map.of("GALE_HOME", home.toString()),
            "up",
            "--port",
            Integer.toString(RoleProcess.freePort()),
            "--workers",
            "1");
    Path upLog = dir.resolve("up.txt");
    Process up = pb.redirectErrorStream(true).redirectOutput(upLog.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (!Files.readString(upLog).contains("press Ctrl-C") && System.nanoTime() < deadline) {
        assertThat(up.isAlive()).as(Files.readString(upLog)).isTrue();
        Thread.sleep(200);
      }
      assertThat(Files.readString(upLog)).contains("Gale is up", "workers: 1 of 1 connected");
      assertThat(
              up.toHandle()
                  .descendants()
                  .map(CdsIT::commandLine)
                  .filter(a -> a.contains("dev.gale.cli.Main worker")))
          .singleElement()
          .asString()
          .contains("-XX:SharedArchiveFile=" + worker);
    } finally {
      List<ProcessHandle> tree = up.toHandle().descendants().toList();
      up.destroy();
      if (!up.waitFor(60, TimeUnit.SECONDS)) {
        up.destroyForcibly();
      }
      tree.forEach(ProcessHandle::destroyForcibly);
    }

    // older than the jars: not mapped, and nothing about it on the output
    Files.setLastModifiedTime(server, FileTime.fromMillis(0));
    Files.delete(classes);
    Result stale =
        run(Map.of("GALE_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes), 120, "--version");
    assertThat(stale.code).as(stale.toString()).isZero();
    assertThat(stale.out.strip()).startsWith("gale ").doesNotContain("\n");
    assertThat(stale.err).isEmpty();
    assertThat(Files.readString(classes)).doesNotContain("shared objects file (top)");
  }

  /** The whole command line (ProcessHandle.Info cuts long ones, such as a class path). */
  private static String commandLine(ProcessHandle p) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"))
          .replace('\0', ' ');
    } catch (IOException e) {
      return ""; // ended meanwhile
    }
  }

  private ProcessBuilder command(Map<String, String> env, String... args) {
    ProcessBuilder pb = new ProcessBuilder(concat(SCRIPT.toString(), args));
    pb.environment().keySet().removeIf(k -> k.startsWith("GALE_"));
    pb.environment().put("GALE_NO_BUILD", "1");
    pb.environment().put("GALE_CDS_DIR", dir.resolve("cds").toString());
    pb.environment().putAll(env);
    return pb;
  }

  private Result run(Map<String, String> env, int seconds, String... args)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = command(env, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as("gale %s ended", List.of(args)).isTrue();
    } finally {
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static String[] concat(String first, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  private record Result(int code, String out, String err) {}
}
