package dev.gale.runtime.spi;

import dev.gale.api.RawJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One attempt of one task, as handed to {@link PreparedFunction#run}.
 *
 * <p>The timeout is informational: the runtime enforces it by firing {@link #cancellation()} with
 * {@link Cancellation.Reason#TIMEOUT}. The working directory is created on first use of {@link
 * #workDir()} and deleted by the runtime after the attempt.
 *
 * <p>Not thread-safe except {@link #workDir()} and the cancellation handle.
 */
public final class Attempt {
  private final String taskId;
  private final int attempt;
  private final RawJson args;
  private final Duration timeout;
  private final Cancellation cancellation;
  private final Limits limits;
  private final Path workDirPath;
  private volatile boolean workDirCreated;

  /**
   * @param taskId the task id, not null
   * @param attempt the attempt number (from 1)
   * @param args the invocation's args (a JSON object in practice), not null
   * @param timeout the function's bound on one attempt, or null for none
   * @param cancellation the attempt's cancellation handle, not null
   * @param limits size limits, not null
   * @param workDir where the attempt's private directory goes; it must not exist yet
   */
  public Attempt(
      String taskId,
      int attempt,
      RawJson args,
      Duration timeout,
      Cancellation cancellation,
      Limits limits,
      Path workDir) {
    this.taskId = Objects.requireNonNull(taskId, "taskId");
    this.attempt = attempt;
    this.args = Objects.requireNonNull(args, "args");
    this.timeout = timeout;
    this.cancellation = Objects.requireNonNull(cancellation, "cancellation");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.workDirPath = Objects.requireNonNull(workDir, "workDir");
  }

  public String taskId() {
    return taskId;
  }

  public int attempt() {
    return attempt;
  }

  /** The invocation's args as JSON text. */
  public RawJson args() {
    return args;
  }

  /** The function's timeout, or null when it has none. */
  public Duration timeout() {
    return timeout;
  }

  public Cancellation cancellation() {
    return cancellation;
  }

  public Limits limits() {
    return limits;
  }

  /**
   * The attempt's private working directory, created on the first call.
   *
   * @throws UncheckedIOException when it cannot be created
   */
  public Path workDir() {
    if (!workDirCreated) {
      synchronized (this) {
        if (!workDirCreated) {
          try {
            Files.createDirectories(workDirPath);
          } catch (IOException e) {
            throw new UncheckedIOException("cannot create work directory " + workDirPath, e);
          }
          workDirCreated = true;
        }
      }
    }
    return workDirPath;
  }

  /** True once {@link #workDir()} created the directory (the runtime then deletes it). */
  public boolean workDirCreated() {
    return workDirCreated;
  }

  /** Where the working directory is or would be, without creating it. */
  public Path workDirPath() {
    return workDirPath;
  }
}
