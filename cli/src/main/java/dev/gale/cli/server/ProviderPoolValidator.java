package dev.gale.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.gateway.spi.PoolValidator;
import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.ProviderRegistry;
import dev.gale.scaler.service.PoolSpec;
import dev.gale.scaler.spi.ProviderContext;
import java.nio.file.Path;

/**
 * Checks pool settings against the providers Gale ships ({@code PUT /v1/pools/{name}} answers 400
 * before anything is stored): the scaling fields as the scaler reads them ({@link PoolSpec}), the
 * provider key (unknown: {@code unknown_provider} listing the known ones), the provider's options
 * by creating a provider through its factory (which does no I/O), and {@code options.galeCommand}.
 * Registered for the gateway in {@code META-INF/services/dev.gale.gateway.spi.PoolValidator}.
 */
public final class ProviderPoolValidator implements PoolValidator {
  private static final BlockCommand PROBE = BlockCommand.of("gale", "worker");
  private final ProviderRegistry registry;

  /** With the providers on the class path; for {@link java.util.ServiceLoader}. */
  public ProviderPoolValidator() {
    this(ProviderRegistry.fromServiceLoader());
  }

  ProviderPoolValidator(ProviderRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void validate(String name, JsonNode settings) {
    PoolSpec spec = PoolSpec.parse(name, settings, registry);
    WorkerCommands.check(spec);
    // the work directory is never touched: factories do no I/O
    Path workDir = Path.of(System.getProperty("java.io.tmpdir"), "gale-pool-check");
    registry.create(
        spec.provider(), new ProviderContext(name, spec.providerOptions(), PROBE, workDir));
  }
}
