package dev.gale.cli.server;

import dev.gale.cli.config.Config;
import dev.gale.cli.config.ConfigKey;
import dev.gale.scaler.service.ScalerService;
import dev.gale.scheduler.Scheduler;
import java.nio.file.Path;
import java.time.Duration;

/** Builds the scaler service of a role over the scheduler ({@link SchedulerBridge}). */
final class Scalers {
  private Scalers() {}

  /** A scaler service with the timing of {@code gale.scaler.*}; not started. */
  static ScalerService service(
      Scheduler scheduler,
      WorkerCommands commands,
      Path workDir,
      Duration leaseTtl,
      Config config) {
    SchedulerBridge bridge = new SchedulerBridge(scheduler);
    return ScalerService.builder()
        .settings(bridge)
        .leases(bridge)
        .statusStore(bridge)
        .depth(bridge)
        .drainer(bridge)
        .commands(commands)
        .workDir(workDir)
        .leaseTtl(leaseTtl)
        .pollInterval(millis(config, ConfigKey.SCALER_POLL_MILLIS))
        .tickInterval(millis(config, ConfigKey.SCALER_TICK_MILLIS))
        .build();
  }

  private static Duration millis(Config config, ConfigKey key) {
    int ms = Integer.parseInt(config.get(key));
    if (ms < 10) {
      throw new RoleFailure(
          "invalid_config", key.key() + " must be at least 10 (milliseconds), got " + ms, null);
    }
    return Duration.ofMillis(ms);
  }
}
