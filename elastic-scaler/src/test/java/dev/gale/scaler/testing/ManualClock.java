package dev.gale.scaler.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A clock moved by hand, for loops and providers that read time only from their clock. */
public final class ManualClock implements InstantSource {
  private volatile Instant now = Instant.parse("2030-01-01T00:00:00Z");

  @Override
  public Instant instant() {
    return now;
  }

  /** Moves the clock forward. */
  public void advance(Duration d) {
    now = now.plus(d);
  }

  /** Moves the clock forward by whole seconds. */
  public void advance(long seconds) {
    advance(Duration.ofSeconds(seconds));
  }
}
