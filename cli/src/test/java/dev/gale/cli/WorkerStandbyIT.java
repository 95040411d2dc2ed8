package dev.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.Role;
import dev.gale.gateway.Gateway;
import dev.gale.gateway.GatewayOptions;
import dev.gale.scheduler.Scheduler;
import dev.gale.scheduler.SchedulerOptions;
import dev.gale.scheduler.Schedulers;
import io.vertx.core.Vertx;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gale worker --standby}, as the local provider keeps one: ready without connecting,
 * connects on a line on stdin, exits cleanly when stdin closes first.
 */
class WorkerStandbyIT {
  @TempDir static Path home;
  private static Scheduler scheduler;
  private static Vertx vertx;
  private static Gateway gateway;
  private static String workerToken;

  @BeforeAll
  static void start() {
    scheduler = Schedulers.member(SchedulerOptions.forTests());
    vertx = Vertx.vertx();
    gateway = Gateway.start(vertx, scheduler, GatewayOptions.builder().port(0).build());
    workerToken = gateway.tokens().mint("workers", Role.WORKER, null);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    vertx.close().await(10, TimeUnit.SECONDS);
    scheduler.close();
  }

  private static RoleProcess standby(String id) throws Exception {
    return RoleProcess.start(
        id,
        Map.of("GALE_WORKER_TOKEN", workerToken, "GALE_HOME", home.resolve(id).toString()),
        "worker",
        "--url",
        "http://127.0.0.1:" + gateway.port(),
        "--pool",
        "standby",
        "--slots",
        "1",
        "--worker-id",
        id,
        "--standby");
  }

  @Test
  void aStandbyConnectsOnlyWhenALineArrivesOnItsStdin() throws Exception {
    try (RoleProcess w = standby("sb-go")) {
      w.await("node agent sb-go ready \\(standby\\)", 60);
      Thread.sleep(500); // it would be dialling by now if it did so on its own
      assertThat(gateway.connectedWorkers()).isZero();

      OutputStream in = w.process.getOutputStream();
      in.write("connect\n".getBytes(StandardCharsets.US_ASCII));
      in.flush();
      w.await("connected to ws://127\\.0\\.0\\.1:\\d+/v1/workers/connect as sb-go", 60);
      assertThat(gateway.connectedWorkers()).isEqualTo(1);
    }
  }

  @Test
  void aStandbyWhoseStdinClosesFirstExitsWithoutConnecting() throws Exception {
    try (RoleProcess w = standby("sb-drop")) {
      w.await("node agent sb-drop ready \\(standby\\)", 60);
      w.process.getOutputStream().close();
      assertThat(w.process.waitFor(30, TimeUnit.SECONDS)).as(w.output()).isTrue();
      assertThat(w.process.exitValue()).as(w.output()).isZero();
      assertThat(w.output()).doesNotContain("connected to");
    }
  }
}
