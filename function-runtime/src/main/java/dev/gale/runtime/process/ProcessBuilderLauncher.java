package dev.gale.runtime.process;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Launches programs from the JVM itself with {@link ProcessBuilder}: one fork/exec of the JVM per
 * program (~3–5 ms here) and two threads pumping its output. The fallback when the {@link
 * SpawnHelperLauncher spawn helper} cannot run.
 */
public final class ProcessBuilderLauncher implements ProcessLauncher {
  private final ExecutorService pumps;

  public ProcessBuilderLauncher() {
    AtomicInteger n = new AtomicInteger();
    this.pumps =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "gale-process-io-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public LaunchedProcess launch(
      List<String> argv, Path cwd, Map<String, String> env, int maxOutputBytes) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile());
    Map<String, String> environment = pb.environment();
    WorkDirs.scrubAgentVariables(environment);
    environment.putAll(env);
    Process process = pb.start();
    BoundedCapture out = new BoundedCapture(maxOutputBytes);
    BoundedCapture err = new BoundedCapture(maxOutputBytes);
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // the program may already have exited; stdin stays empty either way
    }
    Future<?> outPump = pumps.submit(() -> out.pump(process.getInputStream()));
    Future<?> errPump = pumps.submit(() -> err.pump(process.getErrorStream()));
    return new Launched(process, out, err, outPump, errPump);
  }

  @Override
  public void close() {
    pumps.shutdownNow();
  }

  private record Launched(
      Process process, BoundedCapture out, BoundedCapture err, Future<?> outPump, Future<?> errPump)
      implements LaunchedProcess {

    @Override
    public long pid() {
      return process.pid();
    }

    @Override
    public ProcessOutcome waitFor() throws InterruptedException {
      int exitCode = process.waitFor();
      long lingerUntil = System.nanoTime() + PIPE_LINGER.toNanos();
      awaitPump(outPump, lingerUntil);
      awaitPump(errPump, lingerUntil);
      return new ProcessOutcome(
          exitCode, out.text(), err.text(), out.truncated() || err.truncated(), null);
    }

    @Override
    public void kill(Duration grace, ScheduledExecutorService timer) {
      ProcessTrees.kill(process.toHandle(), grace, timer);
    }

    @Override
    public void killForcibly() {
      ProcessTrees.killForcibly(process.toHandle());
    }
  }

  private static void awaitPump(Future<?> pump, long untilNanos) throws InterruptedException {
    long left = untilNanos - System.nanoTime();
    try {
      pump.get(Math.max(0, left), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // a background child still holds the pipe; report what arrived so far
    } catch (ExecutionException e) {
      // the pump swallows I/O errors; nothing else can fail
    }
  }
}
