package dev.gale.scaler.spi;

/**
 * Creates {@link Provider}s of one kind. Implementations are found with {@link
 * java.util.ServiceLoader} (listed in {@code
 * META-INF/services/dev.gale.scaler.spi.ProviderFactory}) or registered explicitly in a {@link
 * dev.gale.scaler.ProviderRegistry}.
 *
 * <p>Factories are stateless and thread-safe, and {@link #create} does no I/O.
 */
public interface ProviderFactory {

  /** The provider key pools name in {@code "provider"}, e.g. {@code local}. */
  String key();

  /**
   * A provider for one pool.
   *
   * @throws dev.gale.api.InvalidRequestException when {@code context.options()} are invalid; the
   *     message names the option
   */
  Provider create(ProviderContext context);
}
