package dev.gale.scaler.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.InvalidRequestException;
import dev.gale.scaler.spi.Provider;
import dev.gale.scaler.spi.ProviderContext;
import dev.gale.scaler.spi.ProviderFactory;
import java.time.Duration;

/**
 * Creates {@link LocalProvider}s. Options: {@code gracePeriodSeconds} (default 10), how long a
 * block gets after SIGTERM. Logs go to {@code <workDir>/logs}.
 */
public final class LocalProviderFactory implements ProviderFactory {

  @Override
  public String key() {
    return LocalProvider.KEY;
  }

  @Override
  public Provider create(ProviderContext context) {
    Duration grace = LocalProvider.DEFAULT_GRACE;
    JsonNode g = context.options().get("gracePeriodSeconds");
    if (g != null && !g.isNull()) {
      if (!g.canConvertToInt() || g.asInt() < 0) {
        throw new InvalidRequestException(
            "options.gracePeriodSeconds must be a non-negative integer, got " + g);
      }
      grace = Duration.ofSeconds(g.asInt());
    }
    return new LocalProvider(context.command(), context.workDir().resolve("logs"), grace);
  }
}
