package dev.gale.scaler.local;

import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.ProviderContract;
import dev.gale.scaler.spi.Provider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

class LocalProviderContractTest extends ProviderContract {
  @TempDir Path dir;

  @Override
  protected Provider newProvider(String script) {
    return new LocalProvider(
        new BlockCommand(List.of("sh", "-c", script), Map.of()), dir, Duration.ofSeconds(2));
  }
}
