package dev.gale.transfer.globus;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A clock that moves only when the code under test sleeps; the sleeps are recorded. */
final class FakeWaits implements Waits {
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private volatile Instant now = Instant.parse("2026-11-24T10:00:00Z");

  @Override
  public Instant now() {
    return now;
  }

  @Override
  public void sleep(Duration d) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    sleeps.add(d);
    now = now.plus(d);
  }
}
