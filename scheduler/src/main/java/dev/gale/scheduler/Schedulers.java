package dev.gale.scheduler;

import dev.gale.scheduler.impl.HazelcastScheduler;

/** Creates schedulers. */
public final class Schedulers {
  private Schedulers() {}

  /**
   * Starts a Hazelcast member in this JVM (joining {@code options.members()} if any) and returns a
   * scheduler on it. Closing the scheduler shuts the member down.
   */
  public static Scheduler member(SchedulerOptions options) {
    return HazelcastScheduler.startMember(options);
  }

  /**
   * Connects to an existing scheduler cluster as a Hazelcast client (used by a gateway that runs
   * apart from the scheduler members). Closing the scheduler disconnects.
   */
  public static Scheduler client(SchedulerOptions options) {
    return HazelcastScheduler.connectClient(options);
  }
}
