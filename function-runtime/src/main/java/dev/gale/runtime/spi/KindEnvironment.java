package dev.gale.runtime.spi;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a node agent offers the kinds it creates.
 *
 * @param workDir the agent's working directory (exists); a kind may keep caches under it, e.g.
 *     {@code artifacts/}
 * @param slots how many attempts the agent runs at once (a kind keeps at most this many warm
 *     processes or instances busy)
 * @param python the python executable for the {@code python} kind
 * @param artifacts where the {@code java} kind fetches uploaded JARs
 * @param timer a shared scheduler for short delayed actions such as escalating a kill; tasks on it
 *     must not block
 */
public record KindEnvironment(
    Path workDir,
    int slots,
    String python,
    ArtifactSource artifacts,
    ScheduledExecutorService timer) {

  public KindEnvironment {
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(python, "python");
    Objects.requireNonNull(artifacts, "artifacts");
    Objects.requireNonNull(timer, "timer");
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be at least 1, got " + slots);
    }
  }
}
