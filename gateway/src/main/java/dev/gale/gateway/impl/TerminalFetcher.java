package dev.gale.gateway.impl;

import dev.gale.api.Task;
import dev.gale.scheduler.Scheduler;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to the scheduler's cluster-wide terminal notifications ({@link Scheduler#onTerminal}).
 * The listener only notes the ids and picks those with local waiters (it must not block); one
 * thread then reads those tasks, everything that queued up in one {@link Scheduler#getTasks} call,
 * and delivers them to their waiters.
 */
final class TerminalFetcher implements Consumer<List<String>> {
  private static final Logger LOG = LoggerFactory.getLogger(TerminalFetcher.class);
  private static final int MAX_ROUND = 10_000;

  private final Scheduler scheduler;
  private final TaskWaiters waiters;
  private final LinkedBlockingQueue<List<String>> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;

  TerminalFetcher(Scheduler scheduler, TaskWaiters waiters, String name) {
    this.scheduler = scheduler;
    this.waiters = waiters;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** The scheduler's listener: notes the ids; never blocks. */
  @Override
  public void accept(List<String> ids) {
    List<String> wanted = waiters.noteTerminal(ids);
    if (!wanted.isEmpty()) {
      queue.add(wanted);
    }
  }

  void close() {
    running = false;
    thread.interrupt();
  }

  private void run() {
    List<List<String>> round = new ArrayList<>();
    while (running) {
      try {
        List<String> first = queue.poll(500, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        round.add(first);
        queue.drainTo(round, MAX_ROUND);
        Set<String> ids = new LinkedHashSet<>();
        round.forEach(ids::addAll);
        round.clear();
        List<Task> tasks = new ArrayList<>(ids.size());
        for (Optional<Task> t : scheduler.getTasks(new ArrayList<>(ids))) {
          t.ifPresent(tasks::add);
        }
        waiters.deliver(tasks);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // Waiters whose tasks could not be read are answered at their deadline.
        LOG.warn("could not read finished tasks for waiters: {}", e.toString());
        round.clear();
      }
    }
  }
}
