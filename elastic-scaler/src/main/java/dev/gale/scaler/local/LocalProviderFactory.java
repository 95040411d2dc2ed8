package dev.gale.scaler.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.InvalidRequestException;
import dev.gale.scaler.spi.Provider;
import dev.gale.scaler.spi.ProviderContext;
import dev.gale.scaler.spi.ProviderFactory;
import java.time.Duration;

/**
 * Creates {@link LocalProvider}s. Options: {@code gracePeriodSeconds} (default 10), how long a
 * block gets after SIGTERM; {@code standby} (default true), whether one node agent is kept started
 * and waiting so that a burst does not wait for a JVM to start. Logs go to {@code <workDir>/logs}.
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
    boolean standby = true;
    JsonNode sb = context.options().get("standby");
    if (sb != null && !sb.isNull()) {
      if (!sb.isBoolean()) {
        throw new InvalidRequestException("options.standby must be true or false, got " + sb);
      }
      standby = sb.asBoolean();
    }
    return new LocalProvider(context.command(), context.workDir().resolve("logs"), grace, standby);
  }
}
