package dev.gale.scheduler;

/**
 * How many more tasks a worker accepts now (its slots plus prefetch, minus unfinished tasks).
 *
 * @param workerId the worker
 * @param credits tasks it may receive, at least 1
 */
public record WorkerCredit(String workerId, int credits) {}
