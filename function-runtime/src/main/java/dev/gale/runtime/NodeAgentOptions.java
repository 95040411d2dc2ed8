package dev.gale.runtime;

import dev.gale.api.protocol.WorkerProtocol;
import dev.gale.transfer.TransferSettings;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * How a {@link NodeAgent} connects and runs tasks. Immutable; build with {@link #builder()}. Every
 * default is applied by {@link Builder#build()} and stated on the builder's setter.
 */
public final class NodeAgentOptions {
  private final URI gatewayUrl;
  private final List<URI> fallbackUrls;
  private final String token;
  private final String pool;
  private final String node;
  private final String workerId;
  private final int slots;

  /** Default prefetch per slot; see {@link Builder#prefetch}. */
  public static final int DEFAULT_PREFETCH_PER_SLOT = 16;

  private final int prefetch;
  private final Path workDir;
  private final String python;
  private final Duration reconnectMin;
  private final Duration reconnectMax;
  private final long parentPid;
  private final Duration drainTimeout;
  private final TransferSettings transfer;

  private NodeAgentOptions(Builder b) {
    this.gatewayUrl = b.gatewayUrl;
    this.fallbackUrls = List.copyOf(b.fallbackUrls);
    this.token = b.token;
    this.pool = b.pool;
    this.node = b.node;
    this.workerId = b.workerId;
    this.slots = b.slots;
    this.prefetch = b.prefetch;
    this.workDir = b.workDir;
    this.python = b.python;
    this.reconnectMin = b.reconnectMin;
    this.reconnectMax = b.reconnectMax;
    this.parentPid = b.parentPid;
    this.drainTimeout = b.drainTimeout;
    this.transfer = b.transfer;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options, to derive variants. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.gatewayUrl = gatewayUrl;
    b.fallbackUrls = fallbackUrls;
    b.token = token;
    b.pool = pool;
    b.node = node;
    b.workerId = workerId;
    b.slots = slots;
    b.prefetch = prefetch;
    b.workDir = workDir;
    b.python = python;
    b.reconnectMin = reconnectMin;
    b.reconnectMax = reconnectMax;
    b.parentPid = parentPid;
    b.drainTimeout = drainTimeout;
    b.transfer = transfer;
    return b;
  }

  /** The gateway's base URL, {@code http(s)://host:port[/prefix]}. */
  public URI gatewayUrl() {
    return gatewayUrl;
  }

  /**
   * Every gateway the agent may dial, {@link #gatewayUrl} first, then the fallbacks it moves on to
   * when the current one cannot be reached or drops the connection.
   */
  public List<URI> gatewayUrls() {
    List<URI> all = new java.util.ArrayList<>(1 + fallbackUrls.size());
    all.add(gatewayUrl);
    all.addAll(fallbackUrls);
    return all;
  }

  /**
   * The WebSocket URL the agent dials: {@code ws://} for {@code http}, {@code wss://} for {@code
   * https}, with {@link WorkerProtocol#PATH} appended to the base URL's path.
   */
  public URI webSocketUrl() {
    return webSocketUrl(gatewayUrl);
  }

  /** {@link #webSocketUrl()} for one of the {@link #gatewayUrls()}. */
  public static URI webSocketUrl(URI url) {
    String scheme = isSecure(url) ? "wss" : "ws";
    String base = url.getRawPath() == null ? "" : url.getRawPath();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(scheme + "://" + url.getRawAuthority() + base + WorkerProtocol.PATH);
  }

  /** True for {@code https} and {@code wss} gateway URLs. */
  public boolean isSecure() {
    return isSecure(gatewayUrl);
  }

  /** True for {@code https} and {@code wss} URLs. */
  public static boolean isSecure(URI url) {
    String s = url.getScheme().toLowerCase(java.util.Locale.ROOT);
    return s.equals("https") || s.equals("wss");
  }

  /** The gateway port, defaulting to 443 for secure and 80 for plain URLs. */
  public int port() {
    return port(gatewayUrl);
  }

  /** The port of a gateway URL, defaulting to 443 for secure and 80 for plain URLs. */
  public static int port(URI url) {
    return url.getPort() > 0 ? url.getPort() : isSecure(url) ? 443 : 80;
  }

  /** The worker token sent as {@code Authorization: Bearer} on the WebSocket upgrade. */
  public String token() {
    return token;
  }

  public String pool() {
    return pool;
  }

  public String node() {
    return node;
  }

  public String workerId() {
    return workerId;
  }

  public int slots() {
    return slots;
  }

  public int prefetch() {
    return prefetch;
  }

  /** The working directory, or null for a fresh temporary one per agent. */
  public Path workDir() {
    return workDir;
  }

  public String python() {
    return python;
  }

  public Duration reconnectMin() {
    return reconnectMin;
  }

  public Duration reconnectMax() {
    return reconnectMax;
  }

  /** The process whose death stops the agent, or 0 for none. */
  public long parentPid() {
    return parentPid;
  }

  public Duration drainTimeout() {
    return drainTimeout;
  }

  /**
   * The {@code gale.transfer.*} settings the agent stages {@code $file} inputs, {@code outputs} and
   * {@code resultTo} results with.
   */
  public TransferSettings transfer() {
    return transfer;
  }

  @Override
  public String toString() {
    return "NodeAgentOptions{gateway="
        + gatewayUrl
        + ", pool="
        + pool
        + ", node="
        + node
        + ", workerId="
        + workerId
        + ", slots="
        + slots
        + ", prefetch="
        + prefetch
        + ", workDir="
        + (workDir == null ? "(temporary)" : workDir)
        + ", python="
        + python
        + ", reconnect="
        + reconnectMin
        + ".."
        + reconnectMax
        + ", parentPid="
        + parentPid
        + ", drainTimeout="
        + drainTimeout
        + "}";
  }

  /** Builds {@link NodeAgentOptions}; not thread-safe. */
  public static final class Builder {
    private URI gatewayUrl;
    private List<URI> fallbackUrls = List.of();
    private String token;
    private String pool = "default";
    private String node;
    private String workerId;
    private Integer slots;
    private Integer prefetch;
    private Path workDir;
    private String python = "python3";
    private Duration reconnectMin = Duration.ofSeconds(1);
    private Duration reconnectMax = Duration.ofSeconds(30);
    private long parentPid;
    private Duration drainTimeout = Duration.ofSeconds(30);
    private TransferSettings transfer;

    private Builder() {}

    /**
     * The transfer settings for data staging. Default: read from the process environment ({@code
     * GALE_TRANSFER_*} variables, see {@link TransferSettings#fromEnvironment}).
     */
    public Builder transfer(TransferSettings transfer) {
      this.transfer = transfer;
      return this;
    }

    /**
     * Required: the gateway's base URL, {@code http://host:port} or {@code https://host:port},
     * optionally with a path prefix ({@code ws}/{@code wss} URLs are accepted too).
     */
    public Builder gatewayUrl(URI gatewayUrl) {
      this.gatewayUrl = gatewayUrl;
      return this;
    }

    /**
     * Other gateways of the same service, tried in turn when the current one cannot be reached or
     * drops the connection (default: none).
     */
    public Builder fallbackUrls(List<URI> fallbackUrls) {
      this.fallbackUrls = List.copyOf(fallbackUrls);
      return this;
    }

    /** Same as {@link #gatewayUrl(URI)} from text. */
    public Builder gatewayUrl(String gatewayUrl) {
      return gatewayUrl(URI.create(gatewayUrl));
    }

    /** Required: a token with the {@code worker} role. */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /** The pool the worker serves. Default {@code default}. */
    public Builder pool(String pool) {
      this.pool = pool;
      return this;
    }

    /** The node (host, pod, job) name reported to the gateway. Default: this host's name. */
    public Builder node(String node) {
      this.node = node;
      return this;
    }

    /**
     * The worker's id, kept across reconnects. Default: {@code w-} and a random UUID, chosen once
     * when the options are built.
     */
    public Builder workerId(String workerId) {
      this.workerId = workerId;
      return this;
    }

    /** Tasks run at once. Default: the number of available processors. */
    public Builder slots(int slots) {
      this.slots = slots;
      return this;
    }

    /**
     * Extra tasks accepted beyond the slots, queued locally. Default: {@value
     * #DEFAULT_PREFETCH_PER_SLOT} per slot. Each result returns one credit, so the tasks in flight
     * per worker bound its throughput to about {@code (slots + prefetch) / round trip}: with the
     * prefetch equal to the slots, no-op tasks ran at ~1,500/s on 2 workers here, with 16 per slot
     * at ~10,000–20,000/s. A smaller prefetch balances long tasks of uneven length better.
     */
    public Builder prefetch(int prefetch) {
      this.prefetch = prefetch;
      return this;
    }

    /**
     * Where attempts get their working directories and JARs are cached. Default: a fresh temporary
     * directory created when the agent starts and deleted when it stops.
     */
    public Builder workDir(Path workDir) {
      this.workDir = workDir;
      return this;
    }

    /** The python executable for the {@code python} kind. Default {@code python3}. */
    public Builder python(String python) {
      this.python = python;
      return this;
    }

    /** The first reconnect delay, doubled after each failure. Default 1 s. */
    public Builder reconnectMin(Duration reconnectMin) {
      this.reconnectMin = reconnectMin;
      return this;
    }

    /** The largest reconnect delay. Default 30 s. */
    public Builder reconnectMax(Duration reconnectMax) {
      this.reconnectMax = reconnectMax;
      return this;
    }

    /**
     * A process id whose death stops the agent at once (its tasks are killed), so that workers
     * started by a parent never outlive it. Default 0: none.
     */
    public Builder parentPid(long parentPid) {
      this.parentPid = parentPid;
      return this;
    }

    /**
     * How long {@link NodeAgent#close()} lets running tasks finish and results be acknowledged
     * before it kills what remains. Default 30 s.
     */
    public Builder drainTimeout(Duration drainTimeout) {
      this.drainTimeout = drainTimeout;
      return this;
    }

    private static void checkUrl(URI url, String name) {
      String scheme = url.getScheme();
      if (scheme == null
          || !java.util.Set.of("http", "https", "ws", "wss")
              .contains(scheme.toLowerCase(java.util.Locale.ROOT))) {
        throw new IllegalArgumentException(
            name + " must be an http(s) URL like http://host:8080, got " + url);
      }
      if (url.getHost() == null) {
        throw new IllegalArgumentException(name + " has no host: " + url);
      }
    }

    /**
     * Applies the defaults and validates.
     *
     * @throws IllegalArgumentException naming the bad option
     */
    public NodeAgentOptions build() {
      if (gatewayUrl == null) {
        throw new IllegalArgumentException("gatewayUrl is required");
      }
      checkUrl(gatewayUrl, "gatewayUrl");
      fallbackUrls.forEach(u -> checkUrl(u, "fallbackUrls"));
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException("token (a worker token) is required");
      }
      requireText(pool, "pool");
      requireText(python, "python");
      if (slots != null && slots < 1) {
        throw new IllegalArgumentException("slots must be at least 1, got " + slots);
      }
      if (prefetch != null && prefetch < 0) {
        throw new IllegalArgumentException("prefetch must not be negative, got " + prefetch);
      }
      Objects.requireNonNull(reconnectMin, "reconnectMin");
      Objects.requireNonNull(reconnectMax, "reconnectMax");
      Objects.requireNonNull(drainTimeout, "drainTimeout");
      if (reconnectMin.isNegative() || reconnectMin.isZero()) {
        throw new IllegalArgumentException("reconnectMin must be positive, got " + reconnectMin);
      }
      if (reconnectMax.compareTo(reconnectMin) < 0) {
        throw new IllegalArgumentException(
            "reconnectMax ("
                + reconnectMax
                + ") must not be below reconnectMin ("
                + reconnectMin
                + ")");
      }
      if (drainTimeout.isNegative()) {
        throw new IllegalArgumentException("drainTimeout must not be negative");
      }
      if (parentPid < 0) {
        throw new IllegalArgumentException("parentPid must be 0 (none) or a process id");
      }
      Builder b = copy();
      if (b.slots == null) {
        b.slots = Runtime.getRuntime().availableProcessors();
      }
      if (b.prefetch == null) {
        b.prefetch = b.slots * DEFAULT_PREFETCH_PER_SLOT;
      }
      if (b.node == null || b.node.isBlank()) {
        b.node = hostName();
      }
      if (b.transfer == null) {
        b.transfer = TransferSettings.fromEnvironment(System.getenv());
      }
      if (b.workerId == null || b.workerId.isBlank()) {
        b.workerId = "w-" + UUID.randomUUID();
      }
      return new NodeAgentOptions(b);
    }

    private Builder copy() {
      Builder b = new Builder();
      b.gatewayUrl = gatewayUrl;
      b.fallbackUrls = fallbackUrls;
      b.token = token;
      b.pool = pool;
      b.node = node;
      b.workerId = workerId;
      b.slots = slots;
      b.prefetch = prefetch;
      b.workDir = workDir;
      b.python = python;
      b.reconnectMin = reconnectMin;
      b.reconnectMax = reconnectMax;
      b.parentPid = parentPid;
      b.drainTimeout = drainTimeout;
      b.transfer = transfer;
      return b;
    }

    private static void requireText(String value, String name) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
    }

    private static String hostName() {
      String env = System.getenv("HOSTNAME");
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        return env != null && !env.isBlank() ? env : "localhost";
      }
    }
  }
}
