package dev.gale.transfer.globus;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of a {@link GlobusStager}. Immutable; build with {@link #builder()}, whose setters state
 * each default. {@link #toString()} never shows the client secret.
 *
 * <p>Staging in and out needs this node's own Globus collection: {@code localEndpoint} is its id
 * and {@code localRoot} the local directory that the collection's path {@code /} shows. A file
 * staged into {@code /scratch/gale/task-1/in.csv} with {@code localRoot=/scratch} is the Globus
 * path {@code /gale/task-1/in.csv} on {@code localEndpoint}. Without them the stager still lists,
 * describes and copies between collections.
 *
 * @param authUrl Globus Auth's base URL (the token endpoint is {@code /v2/oauth2/token} below it)
 * @param transferUrl the Transfer API's base URL, version included
 * @param clientId the confidential client's id (a Globus service account)
 * @param clientSecret the client's secret
 * @param localEndpoint this node's collection id, or null
 * @param localRoot the directory that {@code localEndpoint}'s path {@code /} shows, or null
 * @param syncLevel null (always copy) or {@code exists}, {@code size}, {@code mtime}, {@code
 *     checksum}: skip files already in sync at the destination
 * @param verifyChecksum ask Globus to verify checksums after each file
 * @param label the task label shown in the Globus web app
 * @param pollInitial first wait between task status requests
 * @param pollMax cap of the growing wait between status requests
 * @param taskTimeout bound on one Globus task (also sent as its {@code deadline})
 * @param failFastStatuses {@code nice_status} codes of an active task that end the wait at once
 *     (the task is cancelled) instead of letting Globus retry until the deadline
 * @param maxRetries retries of a request after a 429, 5xx or I/O error
 * @param initialBackoff wait before the first retry, doubled for each further one
 * @param maxBackoff cap of that wait
 * @param maxRetryAfter cap on a server's {@code Retry-After}
 * @param connectTimeout bound on opening a connection
 * @param readTimeout bound on waiting for an answer
 */
public record GlobusStagerOptions(
    URI authUrl,
    URI transferUrl,
    String clientId,
    String clientSecret,
    String localEndpoint,
    Path localRoot,
    String syncLevel,
    boolean verifyChecksum,
    String label,
    Duration pollInitial,
    Duration pollMax,
    Duration taskTimeout,
    Set<String> failFastStatuses,
    int maxRetries,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration maxRetryAfter,
    Duration connectTimeout,
    Duration readTimeout) {

  /** The scope of a token for the Transfer API. */
  public static final String TRANSFER_SCOPE = "urn:globus:auth:scope:transfer.api.globus.org:all";

  private static final Set<String> SYNC_LEVELS = Set.of("exists", "size", "mtime", "checksum");

  /** Validates the settings. */
  public GlobusStagerOptions {
    Objects.requireNonNull(authUrl, "authUrl");
    Objects.requireNonNull(transferUrl, "transferUrl");
    if (clientId == null || clientId.isBlank() || clientSecret == null || clientSecret.isEmpty()) {
      throw new IllegalArgumentException(
          "the globus stager needs a client id and secret (a Globus service account)");
    }
    if ((localEndpoint == null) != (localRoot == null)) {
      throw new IllegalArgumentException("give both localEndpoint and localRoot, or neither");
    }
    if (localRoot != null) {
      localRoot = localRoot.toAbsolutePath().normalize();
    }
    if (syncLevel != null) {
      syncLevel = syncLevel.toLowerCase(Locale.ROOT);
      if (!SYNC_LEVELS.contains(syncLevel)) {
        throw new IllegalArgumentException(
            "syncLevel must be one of " + SYNC_LEVELS + " or unset, was " + syncLevel);
      }
    }
    Objects.requireNonNull(label, "label");
    failFastStatuses = Set.copyOf(failFastStatuses);
    positive(pollInitial, "pollInitial");
    positive(pollMax, "pollMax");
    positive(taskTimeout, "taskTimeout");
    positive(connectTimeout, "connectTimeout");
    positive(readTimeout, "readTimeout");
    nonNegative(initialBackoff, "initialBackoff");
    nonNegative(maxBackoff, "maxBackoff");
    nonNegative(maxRetryAfter, "maxRetryAfter");
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
    }
  }

  /** True when this node has a collection to stage in and out through. */
  public boolean hasLocalEndpoint() {
    return localEndpoint != null;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    return new Builder()
        .authUrl(authUrl)
        .transferUrl(transferUrl)
        .clientCredentials(clientId, clientSecret)
        .localEndpoint(localEndpoint, localRoot)
        .syncLevel(syncLevel)
        .verifyChecksum(verifyChecksum)
        .label(label)
        .poll(pollInitial, pollMax)
        .taskTimeout(taskTimeout)
        .failFastStatuses(failFastStatuses)
        .maxRetries(maxRetries)
        .backoff(initialBackoff, maxBackoff)
        .maxRetryAfter(maxRetryAfter)
        .connectTimeout(connectTimeout)
        .readTimeout(readTimeout);
  }

  @Override
  public String toString() {
    return "GlobusStagerOptions[authUrl="
        + authUrl
        + ", transferUrl="
        + transferUrl
        + ", clientId="
        + clientId
        + ", clientSecret=****, localEndpoint="
        + localEndpoint
        + ", localRoot="
        + localRoot
        + ", syncLevel="
        + syncLevel
        + ", verifyChecksum="
        + verifyChecksum
        + ", label="
        + label
        + ", poll="
        + pollInitial
        + ".."
        + pollMax
        + ", taskTimeout="
        + taskTimeout
        + ", failFastStatuses="
        + failFastStatuses
        + ", maxRetries="
        + maxRetries
        + "]";
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }

  private static void nonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + d);
    }
  }

  /** Builds {@link GlobusStagerOptions}; each setter names its default. */
  public static final class Builder {
    private URI authUrl = URI.create("https://auth.globus.org");
    private URI transferUrl = URI.create("https://transfer.api.globus.org/v0.10");
    private String clientId;
    private String clientSecret;
    private String localEndpoint;
    private Path localRoot;
    private String syncLevel;
    private boolean verifyChecksum = true;
    private String label = "gale staging";
    private Duration pollInitial = Duration.ofSeconds(1);
    private Duration pollMax = Duration.ofSeconds(15);
    private Duration taskTimeout = Duration.ofHours(1);
    private Set<String> failFastStatuses = Set.of("PERMISSION_DENIED", "FILE_NOT_FOUND");
    private int maxRetries = 5;
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration maxRetryAfter = Duration.ofMinutes(2);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(60);

    private Builder() {}

    /** Globus Auth's base URL. Default {@code https://auth.globus.org}. */
    public Builder authUrl(URI v) {
      authUrl = v;
      return this;
    }

    /** The Transfer API's base URL. Default {@code https://transfer.api.globus.org/v0.10}. */
    public Builder transferUrl(URI v) {
      transferUrl = v;
      return this;
    }

    /** The confidential client's id and secret. Required; no default. */
    public Builder clientCredentials(String id, String secret) {
      clientId = id;
      clientSecret = secret;
      return this;
    }

    /**
     * This node's collection and the local directory its path {@code /} shows. Default none:
     * stage-in and stage-out fail, listing and collection-to-collection copies work.
     */
    public Builder localEndpoint(String endpointId, Path root) {
      localEndpoint = endpointId;
      localRoot = root;
      return this;
    }

    /** Skip files already in sync at this level. Default unset: always copy. */
    public Builder syncLevel(String v) {
      syncLevel = v;
      return this;
    }

    /** Ask Globus to verify checksums. Default true. */
    public Builder verifyChecksum(boolean v) {
      verifyChecksum = v;
      return this;
    }

    /** The task label. Default {@code gale staging}. */
    public Builder label(String v) {
      label = v;
      return this;
    }

    /** First and largest wait between task status requests. Default 1 s growing to 15 s. */
    public Builder poll(Duration initial, Duration max) {
      pollInitial = initial;
      pollMax = max;
      return this;
    }

    /** Bound on one Globus task, also sent as its deadline. Default 1 h. */
    public Builder taskTimeout(Duration v) {
      taskTimeout = v;
      return this;
    }

    /**
     * {@code nice_status} codes that end the wait for an active task at once. Default {@code
     * PERMISSION_DENIED}, {@code FILE_NOT_FOUND}.
     */
    public Builder failFastStatuses(Set<String> v) {
      failFastStatuses = v;
      return this;
    }

    /** Retries after a 429, 5xx or I/O error. Default 5. */
    public Builder maxRetries(int v) {
      maxRetries = v;
      return this;
    }

    /** Wait before the first retry (doubled each time) and its cap. Default 1 s and 30 s. */
    public Builder backoff(Duration initial, Duration max) {
      initialBackoff = initial;
      maxBackoff = max;
      return this;
    }

    /** Cap on a server's {@code Retry-After}. Default 2 min. */
    public Builder maxRetryAfter(Duration v) {
      maxRetryAfter = v;
      return this;
    }

    /** Bound on opening a connection. Default 10 s. */
    public Builder connectTimeout(Duration v) {
      connectTimeout = v;
      return this;
    }

    /** Bound on waiting for an answer. Default 60 s. */
    public Builder readTimeout(Duration v) {
      readTimeout = v;
      return this;
    }

    /** The options; invalid values throw {@link IllegalArgumentException}. */
    public GlobusStagerOptions build() {
      return new GlobusStagerOptions(
          authUrl,
          transferUrl,
          clientId,
          clientSecret,
          localEndpoint,
          localRoot,
          syncLevel,
          verifyChecksum,
          label,
          pollInitial,
          pollMax,
          taskTimeout,
          failFastStatuses,
          maxRetries,
          initialBackoff,
          maxBackoff,
          maxRetryAfter,
          connectTimeout,
          readTimeout);
    }
  }
}
