package dev.gale.scheduler;

import dev.gale.scheduler.store.StoreOptions;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * How to start or reach the scheduler. Immutable; build with {@link #builder()}.
 *
 * @param clusterName Hazelcast cluster name; default {@code gale}
 * @param bindHost address a member binds to; default {@code 127.0.0.1}
 * @param port port a member listens on; 0 picks a free one; default 5701
 * @param members {@code host:port} of the members to join (member) or connect to (client); empty
 *     for a lone member
 * @param maxQueuedPerPool submissions beyond this many queued tasks in a pool get back-pressure;
 *     default 1,000,000
 * @param backupCount synchronous backups of each partition; default 1 (ignored by a lone member)
 * @param workerTtlSeconds how long a worker's registration lives without a refresh (gateways
 *     refresh it on every heartbeat; keep it several heartbeats long); default 30
 * @param kubernetesServiceDns when set, members find each other through Hazelcast's Kubernetes
 *     discovery by DNS lookup of this headless service (e.g. {@code
 *     gale-scheduler.gale.svc.cluster.local}) instead of the {@code members} list; default null
 * @param store where a member persists functions, artifacts, tokens, pools and tasks; default
 *     {@link StoreOptions#none()} (nothing survives a full restart). Ignored by a client.
 */
public record SchedulerOptions(
    String clusterName,
    String bindHost,
    int port,
    List<String> members,
    long maxQueuedPerPool,
    int backupCount,
    int workerTtlSeconds,
    StoreOptions store,
    String kubernetesServiceDns) {

  public SchedulerOptions {
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(bindHost, "bindHost");
    members = List.copyOf(members);
    if (workerTtlSeconds < 1) {
      throw new IllegalArgumentException("workerTtlSeconds must be at least 1");
    }
    store = store == null ? StoreOptions.none() : store;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options for a throw-away lone member on loopback with a random cluster name and port. */
  public static SchedulerOptions forTests() {
    return forTests(StoreOptions.none());
  }

  /** {@link #forTests()} with a durable store. */
  public static SchedulerOptions forTests(StoreOptions store) {
    return builder().clusterName("gale-test-" + UUID.randomUUID()).port(0).store(store).build();
  }

  /** Builder for {@link SchedulerOptions}; each setter documents its default above. */
  public static final class Builder {
    private String clusterName = "gale";
    private String bindHost = "127.0.0.1";
    private int port = 5701;
    private List<String> members = List.of();
    private long maxQueuedPerPool = 1_000_000;
    private int backupCount = 1;
    private int workerTtlSeconds = 30;
    private StoreOptions store = StoreOptions.none();
    private String kubernetesServiceDns;

    public Builder clusterName(String v) {
      clusterName = v;
      return this;
    }

    public Builder bindHost(String v) {
      bindHost = v;
      return this;
    }

    public Builder port(int v) {
      port = v;
      return this;
    }

    public Builder members(List<String> v) {
      members = v;
      return this;
    }

    public Builder maxQueuedPerPool(long v) {
      maxQueuedPerPool = v;
      return this;
    }

    public Builder backupCount(int v) {
      backupCount = v;
      return this;
    }

    public Builder workerTtlSeconds(int v) {
      workerTtlSeconds = v;
      return this;
    }

    public Builder kubernetesServiceDns(String v) {
      kubernetesServiceDns = v == null || v.isBlank() ? null : v.trim();
      return this;
    }

    public Builder store(StoreOptions v) {
      store = v;
      return this;
    }

    public SchedulerOptions build() {
      return new SchedulerOptions(
          clusterName,
          bindHost,
          port,
          members,
          maxQueuedPerPool,
          backupCount,
          workerTtlSeconds,
          store,
          kubernetesServiceDns);
    }
  }
}
