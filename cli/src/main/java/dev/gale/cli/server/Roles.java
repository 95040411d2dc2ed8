package dev.gale.cli.server;

import dev.gale.gateway.Gateway;
import dev.gale.gateway.GatewayOptions;
import dev.gale.scheduler.Scheduler;
import dev.gale.scheduler.SchedulerOptions;
import dev.gale.scheduler.Schedulers;
import io.vertx.core.Vertx;
import java.net.BindException;
import java.util.List;

/** Small helpers shared by the role commands. */
final class Roles {
  private Roles() {}

  /** The non-blank, trimmed entries (an empty setting yields an empty list). */
  static List<String> nonBlank(List<String> values) {
    return values == null
        ? List.of()
        : values.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** Starts a gateway; a taken port becomes a one-line {@code address_in_use} error. */
  static Gateway startGateway(Vertx vertx, Scheduler scheduler, GatewayOptions options) {
    try {
      return Gateway.start(vertx, scheduler, options);
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof BindException) {
          throw new RoleFailure(
              "address_in_use",
              "cannot listen on " + options.host() + ":" + options.port() + ": " + t.getMessage(),
              e);
        }
      }
      throw e;
    }
  }

  /**
   * Connects to a scheduler cluster as a client; an unreachable cluster becomes a one-line {@code
   * scheduler_unreachable} error.
   */
  static Scheduler connectClient(String clusterName, List<String> members) {
    try {
      return Schedulers.client(
          SchedulerOptions.builder().clusterName(clusterName).members(members).build());
    } catch (IllegalStateException e) {
      throw new RoleFailure(
          "scheduler_unreachable",
          "cannot reach scheduler cluster '"
              + clusterName
              + "' at "
              + members
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
