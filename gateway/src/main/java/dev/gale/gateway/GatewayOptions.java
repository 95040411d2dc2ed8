package dev.gale.gateway;

import dev.gale.transfer.TransferSettings;
import java.util.Objects;
import java.util.UUID;

/**
 * How a {@link Gateway} listens and which limits it enforces. Immutable; build with {@link
 * #builder()}. Every limit must be positive.
 *
 * @param host address the HTTP server binds to; default {@code 127.0.0.1}
 * @param port port the HTTP server listens on, 0 picks a free one (see {@link Gateway#port()});
 *     default 8080
 * @param maxBodyBytes largest request body of the JSON API; larger bodies get 413 {@code
 *     too_large}; default 10 MiB
 * @param maxArtifactBytes largest JAR accepted by {@code POST /v1/artifacts}; default 32 MiB (a JAR
 *     travels base64-encoded in one worker message, whose limit is 64 MiB)
 * @param maxArgsBytes largest {@code args} object of one task, as UTF-8 JSON; larger gets 413
 *     {@code too_large}; default 1 MiB
 * @param maxResultBytes largest JSON result a worker may report; a larger one fails the task with
 *     {@code result_too_large}; default 1 MiB
 * @param maxOutputBytes stdout and stderr a shell task keeps, per stream (told to workers); default
 *     64 KiB
 * @param maxWaitSeconds cap on the {@code wait} of invocations and long-polls; default 60
 * @param heartbeatSeconds how often workers must send a heartbeat; a worker silent for three times
 *     this long is lost; default 5
 * @param maxBatchSize most tasks in one {@code POST /v1/tasks} and most ids in one {@code POST
 *     /v1/tasks/wait}; default 10,000
 * @param gatewayId this gateway's id, shown in {@code GET /v1/workers}; default {@code gw-} and a
 *     random UUID
 * @param transfer the {@code gale.transfer.*} settings of the site-to-site transfers this gateway
 *     runs ({@code /v1/transfers}); default {@link TransferSettings#fromSystem()} (system
 *     properties, then {@code GALE_TRANSFER_*} variables)
 */
public record GatewayOptions(
    String host,
    int port,
    long maxBodyBytes,
    long maxArtifactBytes,
    int maxArgsBytes,
    int maxResultBytes,
    int maxOutputBytes,
    int maxWaitSeconds,
    int heartbeatSeconds,
    int maxBatchSize,
    String gatewayId,
    TransferSettings transfer) {

  /** The largest WebSocket message a worker connection accepts (an artifact, base64-encoded). */
  public static final int MAX_WORKER_MESSAGE_BYTES = 64 * 1024 * 1024;

  public GatewayOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(gatewayId, "gatewayId");
    Objects.requireNonNull(transfer, "transfer");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, not " + port);
    }
    positive("maxBodyBytes", maxBodyBytes);
    positive("maxArtifactBytes", maxArtifactBytes);
    positive("maxArgsBytes", maxArgsBytes);
    positive("maxResultBytes", maxResultBytes);
    positive("maxOutputBytes", maxOutputBytes);
    positive("maxWaitSeconds", maxWaitSeconds);
    positive("heartbeatSeconds", heartbeatSeconds);
    positive("maxBatchSize", maxBatchSize);
    if (maxArtifactBytes > MAX_WORKER_MESSAGE_BYTES / 4 * 3 - 1024) {
      throw new IllegalArgumentException(
          "maxArtifactBytes must leave room for base64 in one 64 MiB worker message");
    }
    if (gatewayId.isBlank()) {
      throw new IllegalArgumentException("gatewayId must not be blank");
    }
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, not " + value);
    }
  }

  /** A builder holding the defaults listed on this record. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults, except port 0 (any free port): what tests want. */
  public static GatewayOptions forTests() {
    return builder().port(0).build();
  }

  /** A builder initialised from these options. */
  public Builder toBuilder() {
    return new Builder()
        .host(host)
        .port(port)
        .maxBodyBytes(maxBodyBytes)
        .maxArtifactBytes(maxArtifactBytes)
        .maxArgsBytes(maxArgsBytes)
        .maxResultBytes(maxResultBytes)
        .maxOutputBytes(maxOutputBytes)
        .maxWaitSeconds(maxWaitSeconds)
        .heartbeatSeconds(heartbeatSeconds)
        .maxBatchSize(maxBatchSize)
        .gatewayId(gatewayId)
        .transfer(transfer);
  }

  /** Builder for {@link GatewayOptions}; each setter's default is stated on the record. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 8080;
    private long maxBodyBytes = 10L * 1024 * 1024;
    private long maxArtifactBytes = 32L * 1024 * 1024;
    private int maxArgsBytes = 1024 * 1024;
    private int maxResultBytes = 1024 * 1024;
    private int maxOutputBytes = 64 * 1024;
    private int maxWaitSeconds = 60;
    private int heartbeatSeconds = 5;
    private int maxBatchSize = 10_000;
    private String gatewayId = "gw-" + UUID.randomUUID();
    private TransferSettings transfer;

    private Builder() {}

    /** Bind address; default {@code 127.0.0.1}. */
    public Builder host(String v) {
      host = v;
      return this;
    }

    /** Listen port, 0 for any free one; default 8080. */
    public Builder port(int v) {
      port = v;
      return this;
    }

    /** Largest JSON request body; default 10 MiB. */
    public Builder maxBodyBytes(long v) {
      maxBodyBytes = v;
      return this;
    }

    /** Largest uploaded JAR; default 32 MiB. */
    public Builder maxArtifactBytes(long v) {
      maxArtifactBytes = v;
      return this;
    }

    /** Largest {@code args} of one task; default 1 MiB. */
    public Builder maxArgsBytes(int v) {
      maxArgsBytes = v;
      return this;
    }

    /** Largest task result; default 1 MiB. */
    public Builder maxResultBytes(int v) {
      maxResultBytes = v;
      return this;
    }

    /** Shell stdout/stderr kept per stream; default 64 KiB. */
    public Builder maxOutputBytes(int v) {
      maxOutputBytes = v;
      return this;
    }

    /** Cap on {@code wait}; default 60 seconds. */
    public Builder maxWaitSeconds(int v) {
      maxWaitSeconds = v;
      return this;
    }

    /** Worker heartbeat period; default 5 seconds. */
    public Builder heartbeatSeconds(int v) {
      heartbeatSeconds = v;
      return this;
    }

    /** Most tasks per batch and ids per wait; default 10,000. */
    public Builder maxBatchSize(int v) {
      maxBatchSize = v;
      return this;
    }

    /** This gateway's id; default {@code gw-<random UUID>}. */
    public Builder gatewayId(String v) {
      gatewayId = v;
      return this;
    }

    /**
     * The {@code gale.transfer.*} settings of this gateway's site-to-site transfers; default {@link
     * TransferSettings#fromSystem()}, read when the options are built.
     */
    public Builder transfer(TransferSettings v) {
      transfer = v;
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException when a limit is not positive or the port is out of range
     */
    public GatewayOptions build() {
      return new GatewayOptions(
          host,
          port,
          maxBodyBytes,
          maxArtifactBytes,
          maxArgsBytes,
          maxResultBytes,
          maxOutputBytes,
          maxWaitSeconds,
          heartbeatSeconds,
          maxBatchSize,
          gatewayId,
          transfer != null ? transfer : TransferSettings.fromSystem());
    }
  }
}
