package dev.gale.scaler.batch;

import dev.gale.scaler.BlockState;
import java.time.Instant;
import java.util.Objects;

/**
 * A job's state as read from its scheduler, already translated.
 *
 * @param state the translated state
 * @param message the native state and reason, exit code, ... or null
 * @param since when the job entered the state as the scheduler says, or null when it does not say
 *     (then the provider uses the time it first saw the state)
 */
public record NativeStatus(BlockState state, String message, Instant since) {
  public NativeStatus {
    Objects.requireNonNull(state, "state");
  }
}
