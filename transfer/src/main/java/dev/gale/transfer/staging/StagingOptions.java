package dev.gale.transfer.staging;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of a {@link StagingEngine}. Immutable; build with {@link #builder()}, whose setters
 * state each default.
 *
 * @param parallelism transfers at once on this node, across all tasks
 * @param cacheDir the per-node cache of inputs, or null for none
 * @param maxCacheBytes size the cache is trimmed to (least recently used first)
 * @param maxInputBytes largest single input; a larger one fails the task before it is fetched when
 *     the store tells its size, else as soon as it has arrived
 * @param maxTotalInputBytes largest sum of one task's inputs
 * @param spoolDir where result offloads are written before upload
 */
public record StagingOptions(
    int parallelism,
    Path cacheDir,
    long maxCacheBytes,
    long maxInputBytes,
    long maxTotalInputBytes,
    Path spoolDir) {

  /** Validates the settings. */
  public StagingOptions {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
    }
    if (maxCacheBytes < 0 || maxInputBytes < 0 || maxTotalInputBytes < 0) {
      throw new IllegalArgumentException("byte limits must not be negative");
    }
    Objects.requireNonNull(spoolDir, "spoolDir");
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link StagingOptions}; each setter names its default. */
  public static final class Builder {
    private static final long GIB = 1024L * 1024 * 1024;
    private int parallelism = 4;
    private Path cacheDir;
    private long maxCacheBytes = 10 * GIB;
    private long maxInputBytes = 10 * GIB;
    private long maxTotalInputBytes = 50 * GIB;
    private Path spoolDir = Path.of(System.getProperty("java.io.tmpdir"));

    private Builder() {}

    /** Transfers at once on this node. Default 4. */
    public Builder parallelism(int v) {
      parallelism = v;
      return this;
    }

    /** The input cache's directory and size. Default none. */
    public Builder cache(Path dir, long maxBytes) {
      cacheDir = dir;
      maxCacheBytes = maxBytes;
      return this;
    }

    /** Largest single input. Default 10 GiB. */
    public Builder maxInputBytes(long v) {
      maxInputBytes = v;
      return this;
    }

    /** Largest sum of one task's inputs. Default 50 GiB. */
    public Builder maxTotalInputBytes(long v) {
      maxTotalInputBytes = v;
      return this;
    }

    /** Where result offloads are written before upload. Default {@code java.io.tmpdir}. */
    public Builder spoolDir(Path v) {
      spoolDir = v;
      return this;
    }

    /** The options; invalid values throw {@link IllegalArgumentException}. */
    public StagingOptions build() {
      return new StagingOptions(
          parallelism, cacheDir, maxCacheBytes, maxInputBytes, maxTotalInputBytes, spoolDir);
    }
  }
}
