package dev.gale.runtime.impl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.RawJson;
import dev.gale.api.protocol.FunctionSpec;
import dev.gale.runtime.kinds.shell.ArgText;
import dev.gale.runtime.spi.AttemptOutcome;
import dev.gale.runtime.spi.Cancellation;
import dev.gale.transfer.StagingException;
import dev.gale.transfer.staging.FileRefs;
import dev.gale.transfer.staging.OutputSpec;
import dev.gale.transfer.staging.StagingEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The data staging around one attempt, over the node's one {@link StagingEngine}: {@code $file}
 * inputs before the run, the function's {@code outputs} after a success, and a result over the
 * limit to the function's {@code resultTo}. Every failure is a {@link StagingException} (code
 * {@code staging_failed}, URLs redacted), which fails the attempt. A cancelled attempt (timeout,
 * cancel, shutdown) interrupts the transfers in flight. Thread-safe; calls block the slot thread.
 */
final class AttemptStaging {
  private final Supplier<StagingEngine> engine;

  /**
   * @param engine the node's staging engine, asked for on first use (building it starts threads)
   */
  AttemptStaging(Supplier<StagingEngine> engine) {
    this.engine = engine;
  }

  /** True when the args hold a {@code {"$file": url}} anywhere (a cheap text check first). */
  static boolean hasFileRefs(RawJson args) {
    return args.json().contains(FileRefs.FILE) && FileRefs.present(args.toTree());
  }

  /** Fetches every {@code $file} into {@code workDir}; the args with local paths in their place. */
  RawJson stageIn(RawJson args, Path workDir, Cancellation cancellation) {
    JsonNode staged =
        interruptible(cancellation, () -> engine.get().stageIn(args.toTree(), workDir).args());
    return RawJson.of(staged);
  }

  /**
   * Uploads the function's {@code outputs} from {@code workDir}, placeholders filled from the args
   * as sent (numbers exactly as typed, like shell placeholders).
   *
   * @return true when it had outputs to upload (the working directory then exists)
   */
  boolean stageOut(FunctionSpec spec, RawJson args, Path workDir, Cancellation cancellation) {
    JsonNode outputs = spec.outputs();
    if (outputs == null || outputs.isNull() || outputs.isEmpty()) {
      return false;
    }
    List<OutputSpec> specs;
    try {
      specs = OutputSpec.parseAll(outputs);
    } catch (InvalidRequestException e) {
      throw invalid(e.getMessage());
    }
    Set<String> wanted = new HashSet<>();
    specs.forEach(s -> wanted.addAll(s.placeholders()));
    Map<String, String> variables;
    try {
      variables = ArgText.of(args, wanted);
    } catch (ArgText.NotAnObjectException e) {
      throw invalid("cannot fill the outputs' placeholders: " + e.getMessage());
    }
    interruptible(cancellation, () -> engine.get().stageOut(specs, variables, workDir));
    return true;
  }

  /**
   * A success whose JSON is over {@code maxBytes} and whose function sets {@code resultTo} becomes
   * a reference to the result uploaded as {@code <resultTo>/<taskId>.json}; anything else is
   * returned as it is (the runner then fails an oversized result with {@code result_too_large}).
   */
  AttemptOutcome offloadIfLarge(
      AttemptOutcome.Success success,
      String resultTo,
      String taskId,
      long maxBytes,
      Cancellation cancellation) {
    String json = success.result().json();
    if (resultTo == null || (long) json.length() * 3 <= maxBytes) {
      return success;
    }
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= maxBytes) {
      return success;
    }
    JsonNode ref =
        interruptible(
            cancellation, () -> engine.get().offloadResult(bytes, resultTo, taskId + ".json"));
    return AttemptOutcome.success(RawJson.of(ref));
  }

  private static <T> T interruptible(Cancellation cancellation, Supplier<T> transfer) {
    Thread self = Thread.currentThread();
    try (Cancellation.Registration r = cancellation.onCancel(self::interrupt)) {
      return transfer.get();
    } finally {
      Thread.interrupted();
    }
  }

  private static StagingException invalid(String message) {
    return new StagingException(StagingException.Reason.INVALID, message, false, null);
  }
}
