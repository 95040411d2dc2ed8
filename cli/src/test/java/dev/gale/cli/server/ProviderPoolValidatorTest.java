package dev.gale.cli.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.gateway.spi.PoolValidator;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pool settings checked against the providers before the gateway stores them. */
class ProviderPoolValidatorTest {
  private final ProviderPoolValidator validator = new ProviderPoolValidator();

  @Test
  void theGatewayFindsItThroughTheServiceLoader() {
    assertThat(ServiceLoader.load(PoolValidator.class).stream().map(ServiceLoader.Provider::type))
        .contains(ProviderPoolValidator.class);
  }

  @Test
  void validSettingsOfEveryProviderPass() {
    validator.validate("a", Json.readTree("{\"provider\":\"local\",\"maxBlocks\":2}"));
    validator.validate(
        "b",
        Json.readTree(
            "{\"provider\":\"slurm\",\"options\":{\"partition\":\"debug\",\"walltime\":\"00:30:00\","
                + "\"galeCommand\":\"/opt/gale/gale\"}}"));
    validator.validate("c", Json.readTree("{\"provider\":\"pbs\",\"options\":{\"queue\":\"b\"}}"));
    validator.validate(
        "d", Json.readTree("{\"provider\":\"kubernetes\",\"options\":{\"image\":\"gale:1\"}}"));
  }

  @Test
  void anUnknownProviderIsRefusedListingTheKnownOnes() {
    assertThatThrownBy(() -> validator.validate("a", Json.readTree("{\"provider\":\"slrum\"}")))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.code()).isEqualTo("unknown_provider");
              assertThat(e.getMessage())
                  .isEqualTo("unknown provider 'slrum' (known: kubernetes, local, pbs, slurm)");
            });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"provider\":\"slurm\",\"options\":{\"partiton\":\"x\"}}|unknown option options.partiton"
            + " for provider slurm (known:",
        "{\"provider\":\"slurm\",\"options\":{\"walltime\":\"soon\"}}|options.walltime must be a"
            + " walltime",
        "{\"provider\":\"kubernetes\",\"options\":{}}|options.image",
        "{\"provider\":\"local\",\"options\":{\"gracePeriodSeconds\":-1}}|options.gracePeriodSeconds"
            + " must be a non-negative integer",
        "{\"provider\":\"local\",\"options\":{\"galeCommand\":\"/x\"}}|options.galeCommand is for"
            + " batch pools"
      })
  void optionsTheProviderRefusesAreRefusedWithItsMessage(String json, String message) {
    assertThatThrownBy(() -> validator.validate("a", Json.readTree(json)))
        .isInstanceOf(InvalidRequestException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains(message));
  }
}
