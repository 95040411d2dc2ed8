package dev.gale.scaler.kubernetes;

import dev.gale.scaler.spi.Provider;
import dev.gale.scaler.spi.ProviderContext;
import dev.gale.scaler.spi.ProviderFactory;

/**
 * Creates {@link KubernetesProvider}s from a pool's options (see {@link KubernetesOptions} for each
 * option and its default). Validates the options and does no I/O: the API client is built on the
 * provider's first call.
 */
public final class KubernetesProviderFactory implements ProviderFactory {

  @Override
  public String key() {
    return KubernetesProvider.KEY;
  }

  @Override
  public Provider create(ProviderContext context) {
    KubernetesOptions options = KubernetesOptions.parse(context.pool(), context.options());
    return new KubernetesProvider(context.pool(), options, context.command());
  }
}
