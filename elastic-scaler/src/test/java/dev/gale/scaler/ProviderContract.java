package dev.gale.scaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gale.scaler.spi.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Provider} must do, whatever it starts blocks on. Each implementation's test
 * extends this class and says how to create a provider whose blocks run a shell script.
 */
public abstract class ProviderContract {
  protected static final BlockRequest REQUEST = BlockRequest.of("default", 1);

  private final List<String> submitted = new ArrayList<>();
  private Provider provider;

  /** A provider whose blocks run {@code sh -c script}. */
  protected abstract Provider newProvider(String script);

  /** How long a block may take to reach a new state. */
  protected Duration settle() {
    return Duration.ofSeconds(30);
  }

  private Provider provider(String script) {
    provider = newProvider(script);
    return provider;
  }

  private String submit() {
    String id = provider.submit(REQUEST);
    submitted.add(id);
    return id;
  }

  private BlockState state(String id) {
    return provider.status(List.of(id)).get(id).state();
  }

  @AfterEach
  void cancelEverything() {
    if (provider != null && !submitted.isEmpty()) {
      provider.cancel(submitted);
    }
  }

  @Test
  void givesEveryBlockItsOwnId() {
    provider("sleep 300");
    assertThat(new HashSet<>(List.of(submit(), submit(), submit()))).hasSize(3);
  }

  @Test
  void answersForEveryIdAskedKeyedById() {
    provider("sleep 300");
    String a = submit();
    Map<String, BlockStatus> s = provider.status(List.of("no-such-block", a));
    assertThat(s).containsOnlyKeys("no-such-block", a);
    assertThat(s.get("no-such-block").state()).isEqualTo(BlockState.MISSING);
    assertThat(s.get(a).state()).isIn(BlockState.PENDING, BlockState.RUNNING);
  }

  @Test
  void reportsABlockThatEndsByItselfAsTerminal() {
    provider("exit 0");
    String ok = submit();
    await().atMost(settle()).until(() -> state(ok).isTerminal());
    assertThat(state(ok)).isEqualTo(BlockState.COMPLETED);
  }

  @Test
  void reportsABlockThatFailsAsFailed() {
    provider("exit 3");
    String bad = submit();
    await().atMost(settle()).until(() -> state(bad).isTerminal());
    assertThat(state(bad)).isEqualTo(BlockState.FAILED);
  }

  @Test
  void cancelledBlocksReportCancelledAndCancelIsIdempotent() {
    provider("sleep 300");
    String a = submit();
    String b = submit();
    await().atMost(settle()).until(() -> state(a) == BlockState.RUNNING);
    provider.cancel(List.of(a, "no-such-block"));
    provider.cancel(List.of(a));
    await().atMost(settle()).until(() -> state(a) == BlockState.CANCELLED);
    assertThat(state(b)).isIn(BlockState.PENDING, BlockState.RUNNING);
  }
}
