package dev.gale.runtime.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.InvalidRequestException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionKindRegistryTest {
  @TempDir Path dir;

  @Test
  void findsTheBuiltInKindsAndNamesThemWhenAKeyIsUnknown() {
    var timer = new ScheduledThreadPoolExecutor(1);
    try (FunctionKindRegistry registry =
        FunctionKindRegistry.load(
            new KindEnvironment(dir, 1, "python3", ArtifactSource.NONE, timer))) {
      assertThat(registry.keys()).containsExactly("java", "python", "shell");
      assertThat(registry.get("shell").key()).isEqualTo("shell");
      assertThatThrownBy(() -> registry.get("cobol"))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessage("unknown function kind 'cobol'; this worker runs: java, python, shell")
          .extracting(e -> ((InvalidRequestException) e).code())
          .isEqualTo("invalid_function");
    } finally {
      timer.shutdownNow();
    }
  }

  @Test
  void twoFactoriesWithOneKeyFailFast() {
    FunctionKindFactory a =
        new FunctionKindFactory() {
          @Override
          public String key() {
            return "x";
          }

          @Override
          public FunctionKind create(KindEnvironment environment) {
            return new FunctionKind() {
              @Override
              public String key() {
                return "x";
              }

              @Override
              public PreparedFunction prepare(dev.gale.api.protocol.FunctionSpec function) {
                return attempt -> AttemptOutcome.success(dev.gale.api.RawJson.NULL);
              }
            };
          }
        };
    var timer = new ScheduledThreadPoolExecutor(1);
    try {
      assertThatThrownBy(
              () ->
                  FunctionKindRegistry.of(
                      new KindEnvironment(dir, 1, "python3", ArtifactSource.NONE, timer),
                      List.of(a, a)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("'x'");
    } finally {
      timer.shutdownNow();
    }
  }
}
