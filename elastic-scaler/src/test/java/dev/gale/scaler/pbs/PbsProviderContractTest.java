package dev.gale.scaler.pbs;

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

/** The provider contract against the Torque commands of slurm-wlm-torque over a real Slurm. */
class PbsProviderContractTest extends ProviderContract {
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
    var options = Json.object().put("walltime", "00:10:00");
    options.putObject("commandEnv").put("SLURM_CONF", slurm.conf().toString());
    return new PbsProviderFactory()
        .create(
            new ProviderContext(
                "default", options, new BlockCommand(List.of("sh", "-c", script), Map.of()), work));
  }
}
