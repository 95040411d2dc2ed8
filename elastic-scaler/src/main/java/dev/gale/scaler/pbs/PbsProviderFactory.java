package dev.gale.scaler.pbs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.scaler.batch.BatchOptions;
import dev.gale.scaler.batch.OptionReader;
import dev.gale.scaler.spi.Provider;
import dev.gale.scaler.spi.ProviderContext;
import dev.gale.scaler.spi.ProviderFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Creates {@link PbsProvider}s (key {@code pbs}). Options: those of {@link
 * dev.gale.scaler.batch.BatchOptions} ({@code walltime}, {@code account}, {@code schedulerOptions},
 * {@code workerInit}, {@code cpusPerNode}, {@code memory}, {@code scriptDir}, {@code commandEnv},
 * {@code inheritEnv}, {@code commandTimeoutSeconds}) and those of {@link PbsOptions} ({@code
 * queue}, {@code launcher}). Unknown options are refused. See {@code docs/pools-hpc.md}.
 */
public final class PbsProviderFactory implements ProviderFactory {

  @Override
  public String key() {
    return PbsProvider.KEY;
  }

  @Override
  public Provider create(ProviderContext context) {
    PbsOptions o = PbsOptions.read(new OptionReader(context.options(), key()), context.workDir());
    return new PbsProvider(context.command(), o, o.common().runner(Map.of()));
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
