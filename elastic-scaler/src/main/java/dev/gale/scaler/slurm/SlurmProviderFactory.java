package dev.gale.scaler.slurm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.scaler.batch.BatchOptions;
import dev.gale.scaler.batch.OptionReader;
import dev.gale.scaler.spi.Provider;
import dev.gale.scaler.spi.ProviderContext;
import dev.gale.scaler.spi.ProviderFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Creates {@link SlurmProvider}s (key {@code slurm}). Options: those of {@link
 * dev.gale.scaler.batch.BatchOptions} ({@code walltime}, {@code account}, {@code schedulerOptions},
 * {@code workerInit}, {@code cpusPerNode}, {@code memory}, {@code scriptDir}, {@code commandEnv},
 * {@code inheritEnv}, {@code commandTimeoutSeconds}) and those of {@link SlurmOptions} ({@code
 * partition}, {@code qos}, {@code exclusive}, {@code gracePeriodSeconds}, {@code slurmConf}).
 * Unknown options are refused. See {@code docs/pools-hpc.md}.
 */
public final class SlurmProviderFactory implements ProviderFactory {

  @Override
  public String key() {
    return SlurmProvider.KEY;
  }

  @Override
  public Provider create(ProviderContext context) {
    SlurmOptions o =
        SlurmOptions.read(new OptionReader(context.options(), key()), context.workDir());
    Map<String, String> env = new HashMap<>();
    if (o.slurmConf() != null) {
      env.put("SLURM_CONF", o.slurmConf().toString());
    }
    return new SlurmProvider(context.command(), o, o.common().runner(env));
  }

  /**
   * {@code options.walltime}, else {@link BatchOptions#DEFAULT_WALLTIME}: what each job asks for.
   */
  @Override
  public Optional<Duration> blockWalltime(JsonNode options) {
    return Optional.of(
        new OptionReader(options, key())
            .walltime("walltime")
            .orElse(BatchOptions.DEFAULT_WALLTIME));
  }
}
