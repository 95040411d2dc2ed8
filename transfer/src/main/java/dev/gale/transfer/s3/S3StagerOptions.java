package dev.gale.transfer.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link S3Stager}. Immutable; build with {@link #builder()}, whose setters state
 * each default. {@link #toString()} never shows the secret key.
 *
 * @param endpoint the S3 endpoint, or null for AWS's own endpoint of the region
 * @param region the signing region, or null for the SDK's default region chain ({@code AWS_REGION},
 *     profile, instance metadata), falling back to {@code us-east-1}
 * @param pathStyleAccess address buckets as {@code endpoint/bucket/key} rather than {@code
 *     bucket.endpoint/key} (most S3-compatible stores need this)
 * @param accessKeyId static access key id, or null (with {@code secretAccessKey}) for the SDK's
 *     default credentials chain
 * @param secretAccessKey static secret key, or null for the default chain
 * @param multipartThresholdBytes files larger than this are uploaded in parts and downloaded with
 *     parallel ranged GETs
 * @param partSizeBytes size of one upload part or download range (at least 5 MiB, S3's minimum)
 * @param maxConcurrency parts or ranges in flight at once for one transfer; the shared HTTP client
 *     keeps up to twice as many connections
 * @param connectTimeout bound on opening a connection
 * @param readTimeout bound on waiting for the next bytes of an answer
 * @param maxAttempts attempts per S3 request, first included (the SDK's retry strategy)
 */
public record S3StagerOptions(
    URI endpoint,
    String region,
    boolean pathStyleAccess,
    String accessKeyId,
    String secretAccessKey,
    long multipartThresholdBytes,
    long partSizeBytes,
    int maxConcurrency,
    Duration connectTimeout,
    Duration readTimeout,
    int maxAttempts) {

  /** S3's smallest allowed part (all but the last). */
  public static final long MIN_PART_SIZE = 5L * 1024 * 1024;

  /** Validates the settings. */
  public S3StagerOptions {
    if ((accessKeyId == null) != (secretAccessKey == null)) {
      throw new IllegalArgumentException(
          "give both accessKeyId and secretAccessKey, or neither for the default chain");
    }
    if (partSizeBytes < MIN_PART_SIZE) {
      throw new IllegalArgumentException(
          "partSizeBytes must be at least " + MIN_PART_SIZE + ", was " + partSizeBytes);
    }
    if (multipartThresholdBytes < partSizeBytes) {
      throw new IllegalArgumentException(
          "multipartThresholdBytes must be at least partSizeBytes (" + partSizeBytes + ")");
    }
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException("maxConcurrency must be >= 1, was " + maxConcurrency);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
    }
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout must be positive");
    }
    if (readTimeout.isNegative() || readTimeout.isZero()) {
      throw new IllegalArgumentException("readTimeout must be positive");
    }
  }

  /** The defaults, as listed on {@link Builder}. */
  public static S3StagerOptions defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    return new Builder()
        .endpoint(endpoint)
        .region(region)
        .pathStyleAccess(pathStyleAccess)
        .credentials(accessKeyId, secretAccessKey)
        .multipartThresholdBytes(multipartThresholdBytes)
        .partSizeBytes(partSizeBytes)
        .maxConcurrency(maxConcurrency)
        .connectTimeout(connectTimeout)
        .readTimeout(readTimeout)
        .maxAttempts(maxAttempts);
  }

  /** True when static credentials are set. */
  public boolean hasStaticCredentials() {
    return accessKeyId != null;
  }

  @Override
  public String toString() {
    return "S3StagerOptions[endpoint="
        + endpoint
        + ", region="
        + region
        + ", pathStyleAccess="
        + pathStyleAccess
        + ", credentials="
        + (hasStaticCredentials() ? "static " + accessKeyId + " / ****" : "default chain")
        + ", multipartThresholdBytes="
        + multipartThresholdBytes
        + ", partSizeBytes="
        + partSizeBytes
        + ", maxConcurrency="
        + maxConcurrency
        + ", connectTimeout="
        + connectTimeout
        + ", readTimeout="
        + readTimeout
        + ", maxAttempts="
        + maxAttempts
        + "]";
  }

  /** Builds {@link S3StagerOptions}; each setter names its default. */
  public static final class Builder {
    private URI endpoint;
    private String region;
    private boolean pathStyleAccess;
    private String accessKeyId;
    private String secretAccessKey;
    private long multipartThresholdBytes = 16L * 1024 * 1024;
    private long partSizeBytes = 8L * 1024 * 1024;
    private int maxConcurrency = 8;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(30);
    private int maxAttempts = 3;

    private Builder() {}

    /** The S3 endpoint, such as {@code http://127.0.0.1:9000}. Default null: AWS's own. */
    public Builder endpoint(URI v) {
      endpoint = v;
      return this;
    }

    /**
     * The signing region. Default null: the SDK's default region chain, falling back to {@code
     * us-east-1}.
     */
    public Builder region(String v) {
      region = v;
      return this;
    }

    /** Path-style bucket addressing. Default false (virtual-host style, as AWS prefers). */
    public Builder pathStyleAccess(boolean v) {
      pathStyleAccess = v;
      return this;
    }

    /** Static credentials. Default none: the SDK's default credentials chain. */
    public Builder credentials(String accessKeyId, String secretAccessKey) {
      this.accessKeyId = accessKeyId;
      this.secretAccessKey = secretAccessKey;
      return this;
    }

    /** Size above which transfers go in parts. Default 16 MiB. */
    public Builder multipartThresholdBytes(long v) {
      multipartThresholdBytes = v;
      return this;
    }

    /** Size of one part or range. Default 8 MiB; at least 5 MiB. */
    public Builder partSizeBytes(long v) {
      partSizeBytes = v;
      return this;
    }

    /**
     * Parts or ranges in flight per transfer; the shared HTTP client keeps up to twice as many
     * connections. Default 8.
     */
    public Builder maxConcurrency(int v) {
      maxConcurrency = v;
      return this;
    }

    /** Bound on opening a connection. Default 10 s. */
    public Builder connectTimeout(Duration v) {
      connectTimeout = v;
      return this;
    }

    /** Bound on waiting for the next bytes of an answer. Default 30 s. */
    public Builder readTimeout(Duration v) {
      readTimeout = v;
      return this;
    }

    /** Attempts per S3 request, the first included. Default 3 (the SDK's standard mode). */
    public Builder maxAttempts(int v) {
      maxAttempts = v;
      return this;
    }

    /** The options; invalid values throw {@link IllegalArgumentException}. */
    public S3StagerOptions build() {
      return new S3StagerOptions(
          endpoint,
          region,
          pathStyleAccess,
          accessKeyId,
          secretAccessKey,
          multipartThresholdBytes,
          partSizeBytes,
          maxConcurrency,
          connectTimeout,
          readTimeout,
          maxAttempts);
    }
  }
}
