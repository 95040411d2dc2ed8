package dev.gale.scaler.slurm;

import dev.gale.scaler.batch.OptionReader;
import dev.gale.scaler.spi.Provider;
import dev.gale.scaler.spi.ProviderContext;
import dev.gale.scaler.spi.ProviderFactory;
import java.util.HashMap;
import java.util.Map;

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
}
