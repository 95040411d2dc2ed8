package dev.gale.gateway.spi;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Checks a pool's settings beyond their generic form before {@code PUT /v1/pools/{name}} stores
 * them: that the provider exists and accepts the options. The gateway knows no provider; the
 * assembly that has them (Gale's command line, with the elastic scaler) registers a validator in
 * {@code META-INF/services/dev.gale.gateway.spi.PoolValidator}, found with {@link
 * java.util.ServiceLoader} when the gateway starts. Without one, only the generic fields are
 * checked, and the scaler reports settings it cannot use as the pool's health.
 *
 * <p><b>Contract.</b> Thread-safe; called on a worker thread, never on an event loop; does no I/O.
 */
public interface PoolValidator {

  /**
   * Checks one pool's settings.
   *
   * @param name the pool's name (already checked)
   * @param settings the body of the request, whose generic fields are already checked
   * @throws dev.gale.api.InvalidRequestException naming the field in its message and {@code
   *     details.field}; code {@code unknown_provider} listing the known providers for an unknown
   *     one
   */
  void validate(String name, JsonNode settings);
}
