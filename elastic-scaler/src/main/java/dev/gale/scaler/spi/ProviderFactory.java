package dev.gale.scaler.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;

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

  /**
   * The time limit every block of a pool with these options gets, so that the scaler can drain a
   * block before it runs out (a batch job's walltime). Does no I/O.
   *
   * @param options the pool's provider options (never null)
   * @return empty when blocks have no time limit (the default)
   * @throws dev.gale.api.InvalidRequestException when the option that sets it is invalid
   */
  default Optional<Duration> blockWalltime(JsonNode options) {
    return Optional.empty();
  }
}
