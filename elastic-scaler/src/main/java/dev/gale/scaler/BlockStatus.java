package dev.gale.scaler;

import java.time.Instant;
import java.util.Objects;

/**
 * What a provider knows about one block.
 *
 * @param state the state
 * @param message why it is in this state (exit code, scheduler reason), or null
 * @param since when it entered this state as far as the provider knows (may be approximate)
 */
public record BlockStatus(BlockState state, String message, Instant since) {
  public BlockStatus {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(since, "since");
  }

  /** A status without message. */
  public static BlockStatus of(BlockState state, Instant since) {
    return new BlockStatus(state, null, since);
  }

  public boolean isTerminal() {
    return state.isTerminal();
  }
}
