package dev.gale.runtime.impl;

import dev.gale.api.ErrorInfo;
import dev.gale.api.GaleException;
import dev.gale.api.Json;
import dev.gale.api.RawJson;
import dev.gale.api.protocol.TaskAssignment;
import dev.gale.api.protocol.TaskResult;
import dev.gale.runtime.process.WorkDirs;
import dev.gale.runtime.spi.Attempt;
import dev.gale.runtime.spi.AttemptOutcome;
import dev.gale.runtime.spi.Cancellation;
import dev.gale.runtime.spi.ErrorCodes;
import dev.gale.runtime.spi.Limits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one attempt on the calling slot thread: arms its timeout, stages its {@code $file} inputs
 * in, calls the kind, stages its {@code outputs} out and offloads a large result to {@code
 * resultTo} (see {@link AttemptStaging}), cleans its work directory, and turns the outcome into a
 * {@link TaskResult} (a failure after cancellation carries the cancellation's code; an oversized
 * result fails with {@code result_too_large}). Thread-safe.
 */
final class AttemptRunner {
  private static final Logger LOG = LoggerFactory.getLogger(AttemptRunner.class);

  private final Path attemptsDir;
  private final ScheduledExecutorService timer;
  private final Supplier<Limits> limits;
  private final AttemptStaging staging;
  private final AtomicLong sequence = new AtomicLong();

  AttemptRunner(
      Path attemptsDir,
      ScheduledExecutorService timer,
      Supplier<Limits> limits,
      AttemptStaging staging) {
    this.attemptsDir = attemptsDir;
    this.timer = timer;
    this.limits = limits;
    this.staging = staging;
  }

  TaskResult run(Job job) {
    Thread.interrupted();
    FunctionEntry function = job.function;
    Duration timeout = function.timeout();
    Cancellation cancellation = job.cancellation;
    Limits currentLimits = limits.get();
    Instant startedAt = Instant.now();
    RawJson args = job.task.args() == null ? RawJson.EMPTY_OBJECT : job.task.args();
    Path workDir =
        attemptsDir.resolve(
            "a" + sequence.incrementAndGet() + "-" + WorkDirs.safeName(job.taskId()));
    Attempt attempt =
        new Attempt(
            job.taskId(), job.attempt(), args, timeout, cancellation, currentLimits, workDir);
    boolean staged = false;
    ScheduledFuture<?> timeoutFuture =
        timeout == null
            ? null
            : timer.schedule(
                () -> cancellation.cancel(Cancellation.Reason.TIMEOUT),
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
    AttemptOutcome outcome;
    try {
      if (cancellation.isCancelled()) {
        outcome = AttemptOutcome.failure(cancellation.reason().code(), "not started");
      } else {
        var prepared = function.prepared();
        if (AttemptStaging.hasFileRefs(args)) {
          staged = true;
          attempt =
              new Attempt(
                  job.taskId(),
                  job.attempt(),
                  staging.stageIn(args, workDir, cancellation),
                  timeout,
                  cancellation,
                  currentLimits,
                  workDir);
        }
        outcome = prepared.run(attempt);
        if (outcome == null) {
          outcome =
              AttemptOutcome.failure(
                  ErrorCodes.INTERNAL_ERROR, "kind " + function.spec().kind() + " returned null");
        }
        if (outcome.ok() && !cancellation.isCancelled()) {
          staged |= staging.stageOut(function.spec(), args, workDir, cancellation);
          outcome =
              staging.offloadIfLarge(
                  (AttemptOutcome.Success) outcome,
                  function.spec().resultTo(),
                  job.taskId(),
                  currentLimits.maxResultBytes(),
                  cancellation);
        }
      }
    } catch (GaleException e) {
      outcome = AttemptOutcome.failure(e.toErrorInfo());
    } catch (InterruptedException e) {
      outcome = AttemptOutcome.failure(ErrorCodes.INTERNAL_ERROR, "the attempt was interrupted");
    } catch (Throwable t) {
      LOG.error("attempt {} of task {} failed inside the runtime", job.attempt(), job.taskId(), t);
      outcome = AttemptOutcome.failure(ErrorCodes.INTERNAL_ERROR, "runtime error: " + t);
    } finally {
      if (timeoutFuture != null) {
        timeoutFuture.cancel(false);
      }
      Thread.interrupted();
      if (attempt.workDirCreated() || staged) {
        WorkDirs.deleteTree(workDir);
      }
    }
    Instant finishedAt = Instant.now();
    outcome = stoppedOutcome(outcome, cancellation, timeout);
    outcome = bounded(outcome, currentLimits.maxResultBytes());
    return toResult(job.task, outcome, startedAt, finishedAt);
  }

  /** A failure of a cancelled attempt is reported with the cancellation's reason. */
  private static AttemptOutcome stoppedOutcome(
      AttemptOutcome outcome, Cancellation cancellation, Duration timeout) {
    Cancellation.Reason reason = cancellation.reason();
    if (reason == null || outcome.ok()) {
      return outcome;
    }
    ErrorInfo error = ((AttemptOutcome.Failure) outcome).error();
    return AttemptOutcome.failure(reason.code(), stoppedMessage(reason, timeout), error.details());
  }

  static String stoppedMessage(Cancellation.Reason reason, Duration timeout) {
    return switch (reason) {
      case TIMEOUT ->
          timeout == null
              ? "the attempt exceeded its timeout"
              : "the attempt exceeded its timeout of " + timeout.toSeconds() + " s";
      case CANCELLED -> "the task was cancelled while running";
      case SHUTDOWN -> "the worker stopped while the attempt was running";
    };
  }

  /** A result larger than the gateway accepts fails with {@code result_too_large}. */
  static AttemptOutcome bounded(AttemptOutcome outcome, long maxBytes) {
    if (!(outcome instanceof AttemptOutcome.Success success)) {
      return outcome;
    }
    String json = success.result().json();
    long chars = json.length();
    if (chars * 3 <= maxBytes) {
      return outcome;
    }
    long bytes = chars > maxBytes ? chars : json.getBytes(StandardCharsets.UTF_8).length;
    if (bytes <= maxBytes) {
      return outcome;
    }
    return AttemptOutcome.failure(
        ErrorCodes.RESULT_TOO_LARGE,
        "the result has "
            + (chars > maxBytes ? "more than " + maxBytes : Long.toString(bytes))
            + " bytes of JSON; the limit is "
            + maxBytes,
        Json.object().put("limit", maxBytes));
  }

  private static TaskResult toResult(
      TaskAssignment task, AttemptOutcome outcome, Instant startedAt, Instant finishedAt) {
    if (outcome instanceof AttemptOutcome.Success s) {
      return new TaskResult(
          task.taskId(), task.attempt(), true, s.result(), null, startedAt, finishedAt);
    }
    return new TaskResult(
        task.taskId(),
        task.attempt(),
        false,
        null,
        ((AttemptOutcome.Failure) outcome).error(),
        startedAt,
        finishedAt);
  }
}
