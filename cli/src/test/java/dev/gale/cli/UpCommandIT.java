package dev.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gale.api.Json;
import dev.gale.api.Task;
import dev.gale.api.TaskState;
import dev.gale.client.FunctionRequest;
import dev.gale.client.GaleClient;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
  private UpProcess up;

  @AfterEach
  void killLeftovers() {
    if (up != null) {
      up.close();
    }
  }

  @Test
  void servesRequestsWithAPrivateTokenAndStopsEverythingOnSigterm() throws Exception {
    up = UpProcess.start(home, false, "--workers", "2", "--slots", "2");
    URI url = up.url;
    assertThat(up.tree).as("worker processes").hasSizeGreaterThanOrEqualTo(2);

    Path token = home.resolve("token");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token)))
        .isEqualTo("rw-------");
    HttpResponse<String> ready =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(url.resolve("/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);

    GaleClient client = GaleClient.builder().url(url).token(up.adminToken()).build();
    assertThat(client.workers()).hasSize(2);
    var fn =
        client.registerFunction(
            FunctionRequest.builder(
                    "echo", "shell", Json.readTree("{\"command\":[\"echo\",\"hi {who}\"]}"))
                .build());
    Task t = client.invoke(fn.id(), Json.readTree("{\"who\":\"gale\"}"), 30);
    assertThat(t.state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(t.result().toTree().path("stdout").asText()).isEqualTo("hi gale\n");

    up.process.destroy(); // SIGTERM
    up.assertStopsCleanly();
  }

  @Test
  void ctrlCOnTheProcessGroupStopsEverythingCleanly() throws Exception {
    assumeTrue(onPath("setsid") && onPath("kill"), "needs setsid and kill (util-linux, procps)");
    up = UpProcess.start(home, true, "--workers", "2", "--slots", "2");
    // what a terminal does on Ctrl-C: SIGINT to every process of the foreground group
    Process kill =
        new ProcessBuilder("kill", "-INT", "--", "-" + up.process.pid()).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
    up.assertStopsCleanly();
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
    up = UpProcess.start(home, false, "--workers", "2", "--slots", "2");
    up.process.destroyForcibly(); // SIGKILL: no shutdown code runs in gale up
    up.process.waitFor(10, TimeUnit.SECONDS);
    up.awaitTreeGone(30);
  }
}
