package dev.gale.scheduler.impl;

import dev.gale.scheduler.Scheduler;
import dev.gale.scheduler.SchedulerOptions;

/** Placeholder while the implementation is written in this session; replaced before commit. */
public abstract class HazelcastScheduler implements Scheduler {
  public static Scheduler startMember(SchedulerOptions options) {
    throw new UnsupportedOperationException("being written");
  }

  public static Scheduler connectClient(SchedulerOptions options) {
    throw new UnsupportedOperationException("being written");
  }
}
