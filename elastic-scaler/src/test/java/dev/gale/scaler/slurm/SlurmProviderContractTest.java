package dev.gale.scaler.slurm;

import dev.gale.api.Json;
import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.ProviderContract;
import dev.gale.scaler.batch.SlurmTestbed;
import dev.gale.scaler.spi.Provider;
import dev.gale.scaler.spi.ProviderContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The provider contract against a real single-node Slurm. */
class SlurmProviderContractTest extends ProviderContract {
  @TempDir static Path testbedDir;
  private static SlurmTestbed slurm;

  @TempDir Path work;

  @BeforeAll
  static void startSlurm() {
    slurm = SlurmTestbed.start(testbedDir);
  }

  @AfterAll
  static void stopSlurm() {
    if (slurm != null) {
      slurm.close();
    }
  }

  @Override
  protected Provider newProvider(String script) {
    return new SlurmProviderFactory()
        .create(
            new ProviderContext(
                "default",
                Json.object()
                    .put("slurmConf", slurm.conf().toString())
                    .put("walltime", "00:10:00")
                    .put("gracePeriodSeconds", 2),
                new BlockCommand(List.of("sh", "-c", script), Map.of()),
                work));
  }
}
