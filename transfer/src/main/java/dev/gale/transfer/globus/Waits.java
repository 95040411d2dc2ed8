package dev.gale.transfer.globus;

import java.time.Duration;
import java.time.Instant;

/** The clock and the sleeps of polling and backoff; replaced in tests so that nothing sleeps. */
interface Waits {
  Instant now();

  void sleep(Duration d) throws InterruptedException;

  /** Real time and real sleeps. */
  static Waits system() {
    return new Waits() {
      @Override
      public Instant now() {
        return Instant.now();
      }

      @Override
      public void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
      }
    };
  }
}
