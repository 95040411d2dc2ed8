package dev.gale.scaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.scaler.local.LocalProvider;
import dev.gale.scaler.local.LocalProviderFactory;
import dev.gale.scaler.spi.ProviderContext;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProviderRegistryTest {
  private static final ProviderContext CTX =
      new ProviderContext("default", null, BlockCommand.of("true"), Path.of("/nonexistent"));

  @Test
  void findsTheLocalProviderThroughTheServiceLoaderWithoutIo() {
    ProviderRegistry r = ProviderRegistry.fromServiceLoader();
    assertThat(r.keys()).contains("local");
    assertThat(r.create("local", CTX)).isInstanceOf(LocalProvider.class);
  }

  @Test
  void failsFastOnAnUnknownKeyListingTheKnownOnes() {
    ProviderRegistry r = ProviderRegistry.of(new LocalProviderFactory());
    assertThatThrownBy(() -> r.create("slurmm", CTX))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.code()).isEqualTo("unknown_provider");
              assertThat(e.getMessage()).isEqualTo("unknown provider 'slurmm' (known: local)");
            });
  }

  @Test
  void rejectsTwoFactoriesWithTheSameKey() {
    assertThatThrownBy(
            () -> ProviderRegistry.of(new LocalProviderFactory(), new LocalProviderFactory()))
        .hasMessageContaining("two provider factories for key 'local'");
  }

  @Test
  void rejectsAnInvalidGracePeriodNamingTheOption() {
    var opts = Json.object().put("gracePeriodSeconds", "soon");
    var ctx = new ProviderContext("default", opts, BlockCommand.of("true"), Path.of("/x"));
    assertThatThrownBy(() -> new LocalProviderFactory().create(ctx))
        .hasMessageContaining("options.gracePeriodSeconds");
  }

  @Test
  void terminalStatesAreExactlyTheEndedOnes() {
    assertThat(java.util.Arrays.stream(BlockState.values()).filter(s -> !s.isTerminal()))
        .containsExactly(BlockState.PENDING, BlockState.RUNNING);
  }
}
