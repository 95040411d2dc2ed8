package dev.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gale.api.Json;
import dev.gale.api.Task;
import dev.gale.api.TaskState;
import dev.gale.client.FunctionRequest;
import dev.gale.client.GaleClient;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gale up} as a user runs it: a child JVM started from the packaged jar and lib directory,
 * with workers as grandchildren. It must announce itself, write a private token, serve requests,
 * and on SIGTERM or Ctrl-C stop everything it started and exit 0.
 */
class UpCommandIT {
  @TempDir Path home;
  private Process up;
  private final Set<ProcessHandle> tree = new HashSet<>();
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  @AfterEach
  void killLeftovers() {
    if (up != null && up.isAlive()) {
      up.destroyForcibly();
    }
    tree.forEach(ProcessHandle::destroyForcibly);
  }

  private List<String> command(boolean ownProcessGroup) {
    List<String> cmd = new ArrayList<>();
    if (ownProcessGroup) {
      cmd.add("setsid");
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(System.getProperty("gale.test.jvm", "").trim().split("\\s+")));
    cmd.add("-cp");
    cmd.add(
        System.getProperty("gale.cli.jar")
            + File.pathSeparator
            + System.getProperty("gale.cli.lib")
            + "/*");
    cmd.add("dev.gale.cli.Main");
    cmd.addAll(
        List.of(
            "up",
            "--port",
            "0",
            "--workers",
            "2",
            "--slots",
            "2",
            "--home",
            home.toString(),
            "--drain-seconds",
            "5"));
    cmd.removeIf(String::isBlank);
    return cmd;
  }

  /** Starts {@code gale up} and returns its URL once it printed the "up" line. */
  private URI start(boolean ownProcessGroup) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command(ownProcessGroup)).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("GALE_"));
    up = pb.start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                  lines.add(l);
                }
              } catch (IOException e) {
                // process ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    StringBuilder seen = new StringBuilder();
    while (System.nanoTime() < deadline) {
      String l = lines.poll(1, TimeUnit.SECONDS);
      if (l == null) {
        assertThat(up.isAlive()).as("gale up exited early:\n%s", seen).isTrue();
        continue;
      }
      seen.append(l).append('\n');
      if (l.startsWith("Gale is up at ")) {
        up.toHandle().descendants().forEach(tree::add);
        return URI.create(l.substring("Gale is up at ".length()).trim());
      }
    }
    throw new AssertionError("no 'Gale is up' line within 120 s:\n" + seen);
  }

  private void assertStopsCleanly() throws Exception {
    assertThat(up.waitFor(90, TimeUnit.SECONDS)).as("gale up stopped").isTrue();
    assertThat(up.exitValue()).isZero();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (tree.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(tree)
        .as("processes started by gale up")
        .isNotEmpty()
        .noneMatch(ProcessHandle::isAlive);
  }

  @Test
  void servesRequestsWithAPrivateTokenAndStopsEverythingOnSigterm() throws Exception {
    URI url = start(false);
    assertThat(tree).as("worker processes").hasSizeGreaterThanOrEqualTo(2);

    Path token = home.resolve("token");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token)))
        .isEqualTo("rw-------");
    HttpResponse<String> ready =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(url.resolve("/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);

    GaleClient client = GaleClient.builder().url(url).token(Files.readString(token).trim()).build();
    assertThat(client.workers()).hasSize(2);
    var fn =
        client.registerFunction(
            FunctionRequest.builder(
                    "echo", "shell", Json.readTree("{\"command\":[\"echo\",\"hi {who}\"]}"))
                .build());
    Task t = client.invoke(fn.id(), Json.readTree("{\"who\":\"gale\"}"), 30);
    assertThat(t.state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(t.result().toTree().path("stdout").asText()).isEqualTo("hi gale\n");

    up.destroy(); // SIGTERM
    assertStopsCleanly();
  }

  @Test
  void ctrlCOnTheProcessGroupStopsEverythingCleanly() throws Exception {
    assumeTrue(onPath("setsid") && onPath("kill"), "needs setsid and kill (util-linux, procps)");
    start(true);
    // what a terminal does on Ctrl-C: SIGINT to every process of the foreground group
    Process kill = new ProcessBuilder("kill", "-INT", "--", "-" + up.pid()).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
    assertStopsCleanly();
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void killingTheParentLeavesNoWorkerBehind() throws Exception {
    start(false);
    up.destroyForcibly(); // SIGKILL: no shutdown code runs in gale up
    up.waitFor(10, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (tree.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(tree).isNotEmpty().noneMatch(ProcessHandle::isAlive);
  }
}
