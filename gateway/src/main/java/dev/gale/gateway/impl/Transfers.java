package dev.gale.gateway.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.ConflictException;
import dev.gale.api.ErrorInfo;
import dev.gale.api.Json;
import dev.gale.api.NotFoundException;
import dev.gale.api.TransferRecord;
import dev.gale.scheduler.Scheduler;
import dev.gale.transfer.TransferSettings;
import dev.gale.transfer.copy.CopyEngine;
import dev.gale.transfer.copy.TransferJob;
import dev.gale.transfer.copy.TransferRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This gateway's site-to-site transfers: one {@link CopyEngine} (built on first use from the {@code
 * gale.transfer.*} settings) runs them, and every change is written to the cluster as a {@link
 * TransferRecord}, so that any gateway answers {@code GET /v1/transfers/{id}}. While a transfer is
 * unfinished this gateway refreshes its record's heartbeat ({@link #heartbeat}); the cluster's
 * sweep ({@link #failAbandoned}) fails the unfinished transfers of a gateway that stopped
 * refreshing. Thread-safe; every method blocks (call it off the event loop).
 */
final class Transfers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Transfers.class);

  private final Scheduler scheduler;
  private final String gatewayId;
  private final Supplier<TransferSettings> settings;
  private final Map<String, String> running = new ConcurrentHashMap<>();
  private final Map<String, TransferJob> latest = new ConcurrentHashMap<>();
  private CopyEngine engine;
  private boolean closed;

  Transfers(Scheduler scheduler, String gatewayId, Supplier<TransferSettings> settings) {
    this.scheduler = scheduler;
    this.gatewayId = gatewayId;
    this.settings = settings;
  }

  /**
   * Settings read from system properties named like the keys ({@code -Dgale.transfer.file.roots=…})
   * and else from {@code GALE_TRANSFER_*} environment variables; prefer {@link
   * dev.gale.gateway.GatewayOptions#transfer()}, which the command line fills from its
   * configuration.
   */
  static TransferSettings fromSystem() {
    return TransferSettings.fromSystem();
  }

  private synchronized CopyEngine engine() {
    if (closed) {
      throw new dev.gale.api.UnavailableException("the gateway is stopping");
    }
    if (engine == null) {
      TransferSettings s = settings.get();
      engine = new CopyEngine(s.stagers(), s.copyOptions());
    }
    return engine;
  }

  /**
   * Validates and starts a transfer for {@code tenant}.
   *
   * @throws dev.gale.api.InvalidRequestException when it cannot work
   */
  TransferRecord submit(String tenant, TransferRequest request) {
    String id = "tr-" + UUID.randomUUID();
    running.put(id, tenant);
    try {
      TransferJob job = engine().submit(id, request, this::write);
      return record(tenant, latest.getOrDefault(id, job));
    } catch (RuntimeException e) {
      running.remove(id);
      throw e;
    }
  }

  /** The tenant's transfer, or 404 (another tenant's transfer is not there either). */
  TransferRecord get(String tenant, String id) {
    return scheduler
        .getTransfer(id)
        .filter(t -> t.tenant().equals(tenant))
        .orElseThrow(() -> new NotFoundException("no transfer " + id));
  }

  /**
   * Cancels the tenant's transfer.
   *
   * @throws NotFoundException for an unknown id or another tenant's transfer
   * @throws ConflictException when it has finished, or runs in another gateway
   */
  TransferRecord cancel(String tenant, String id) {
    TransferRecord t = get(tenant, id);
    if (t.isFinished()) {
      throw new ConflictException("transfer " + id + " has finished already (" + t.state() + ")");
    }
    if (!running.containsKey(id)) {
      throw new ConflictException(
          "transfer " + id + " runs in gateway " + t.gatewayId() + "; cancel it there");
    }
    TransferJob after = engine().cancel(id);
    return record(tenant, after);
  }

  /** Refreshes the records of this gateway's unfinished transfers. */
  void heartbeat() {
    for (String id : latest.keySet()) {
      latest.computeIfPresent(
          id,
          (k, job) -> {
            put(job);
            return job;
          });
    }
  }

  /**
   * Fails every unfinished transfer whose gateway has not refreshed it for {@code grace}: that
   * gateway stopped, and its copy with it.
   *
   * @return how many it failed
   */
  int failAbandoned(Duration grace) {
    Instant limit = Instant.now().minus(grace);
    int n = 0;
    for (TransferRecord t : scheduler.listTransfers(null)) {
      if (t.isFinished()
          || running.containsKey(t.id())
          || t.heartbeatAt() == null
          || t.heartbeatAt().isAfter(limit)) {
        continue;
      }
      ObjectNode job = t.job().deepCopy();
      job.put("state", "failed");
      job.put("finishedAt", Instant.now().toString());
      job.set(
          "error",
          Json.mapper()
              .valueToTree(
                  ErrorInfo.of(
                      "transfer_lost",
                      "gateway "
                          + t.gatewayId()
                          + " stopped while running this transfer (no heartbeat since "
                          + t.heartbeatAt()
                          + "); submit it again")));
      scheduler.putTransfer(
          new TransferRecord(t.id(), t.tenant(), t.gatewayId(), Instant.now(), job));
      LOG.warn("transfer {} of gateway {} failed: its gateway stopped", t.id(), t.gatewayId());
      n++;
    }
    return n;
  }

  /**
   * Writes a transfer's change to the cluster; called by the engine, in order, for each transfer.
   * Per id, a write and a heartbeat never interleave, so a finished state is never overwritten.
   */
  private void write(TransferJob job) {
    latest.compute(
        job.id(),
        (k, old) -> {
          put(job);
          return job.state().isTerminal() ? null : job;
        });
    if (job.state().isTerminal()) {
      running.remove(job.id());
    }
  }

  private void put(TransferJob job) {
    String tenant = running.get(job.id());
    if (tenant == null) {
      return;
    }
    try {
      scheduler.putTransfer(record(tenant, job));
    } catch (RuntimeException e) {
      LOG.warn("cannot record transfer {}: {}", job.id(), e.toString());
    }
  }

  private TransferRecord record(String tenant, TransferJob job) {
    return new TransferRecord(
        job.id(), tenant, gatewayId, Instant.now(), Json.mapper().valueToTree(job));
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (engine != null) {
      engine.close();
    }
  }
}
