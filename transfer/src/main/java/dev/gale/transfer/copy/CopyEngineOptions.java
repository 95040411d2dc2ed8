package dev.gale.transfer.copy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Settings of a {@link CopyEngine}. Immutable; build with {@link #builder()}, whose setters state
 * each default.
 *
 * @param maxConcurrentTransfers transfers copying at once; more wait as {@code queued}
 * @param filesInParallel files of one recursive transfer copied at once
 * @param spoolDir where files pass between download and upload
 * @param progressInterval how often a running transfer's listener hears of progress
 * @param keepFinished finished transfers kept in memory; older ones are forgotten first
 * @param clock the source of timestamps
 */
public record CopyEngineOptions(
    int maxConcurrentTransfers,
    int filesInParallel,
    Path spoolDir,
    Duration progressInterval,
    int keepFinished,
    InstantSource clock) {

  /** Validates the settings. */
  public CopyEngineOptions {
    if (maxConcurrentTransfers < 1 || filesInParallel < 1) {
      throw new IllegalArgumentException("maxConcurrentTransfers and filesInParallel must be >= 1");
    }
    if (keepFinished < 0) {
      throw new IllegalArgumentException("keepFinished must be >= 0");
    }
    Objects.requireNonNull(spoolDir, "spoolDir");
    Objects.requireNonNull(clock, "clock");
    if (progressInterval.isNegative() || progressInterval.isZero()) {
      throw new IllegalArgumentException("progressInterval must be positive");
    }
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link CopyEngineOptions}; each setter names its default. */
  public static final class Builder {
    private int maxConcurrentTransfers = 2;
    private int filesInParallel = 4;
    private Path spoolDir = Path.of(System.getProperty("java.io.tmpdir"), "gale-transfers");
    private Duration progressInterval = Duration.ofSeconds(1);
    private int keepFinished = 1000;
    private InstantSource clock = InstantSource.system();

    private Builder() {}

    /** Transfers copying at once. Default 2. */
    public Builder maxConcurrentTransfers(int v) {
      maxConcurrentTransfers = v;
      return this;
    }

    /** Files of one recursive transfer copied at once. Default 4. */
    public Builder filesInParallel(int v) {
      filesInParallel = v;
      return this;
    }

    /**
     * Where files pass between download and upload. Default {@code java.io.tmpdir/gale-transfers}.
     */
    public Builder spoolDir(Path v) {
      spoolDir = v;
      return this;
    }

    /** How often listeners hear of progress. Default 1 s. */
    public Builder progressInterval(Duration v) {
      progressInterval = v;
      return this;
    }

    /** Finished transfers kept in memory. Default 1000. */
    public Builder keepFinished(int v) {
      keepFinished = v;
      return this;
    }

    /** The source of timestamps. Default the system clock. */
    public Builder clock(InstantSource v) {
      clock = v;
      return this;
    }

    /** The options; invalid values throw {@link IllegalArgumentException}. */
    public CopyEngineOptions build() {
      return new CopyEngineOptions(
          maxConcurrentTransfers, filesInParallel, spoolDir, progressInterval, keepFinished, clock);
    }
  }
}
