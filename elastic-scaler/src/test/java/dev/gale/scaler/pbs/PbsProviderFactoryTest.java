package dev.gale.scaler.pbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.ProviderRegistry;
import dev.gale.scaler.spi.ProviderContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PbsProviderFactoryTest {

  private static PbsProvider create(String options) {
    return (PbsProvider)
        new PbsProviderFactory()
            .create(
                new ProviderContext(
                    "hpc", Json.readTree(options), BlockCommand.of("gale"), Path.of("/w")));
  }

  @Test
  void isFoundByItsKey() {
    assertThat(ProviderRegistry.fromServiceLoader().factory("pbs"))
        .isInstanceOf(PbsProviderFactory.class);
  }

  @Test
  void readsItsOptions() {
    PbsOptions o =
        create(
                """
                {"queue": "batch", "account": "p1", "walltime": "48:00:00", "launcher": "mpiexec -ppn 1",
                 "commandEnv": {"PBS_DEFAULT": "head"}}
                """)
            .options();
    assertThat(o.queue()).isEqualTo("batch");
    assertThat(o.launcher()).containsExactly("mpiexec", "-ppn", "1");
    assertThat(o.common().account()).isEqualTo("p1");
    assertThat(o.common().walltime()).hasHours(48);
    assertThat(o.common().scriptDir()).isEqualTo(Path.of("/w/pbs"));
    assertThat(o.common().runner(java.util.Map.of()).environment())
        .containsEntry("PBS_DEFAULT", "head");
    assertThat(create("{}").options().launcher()).isEqualTo(List.of("pbsdsh", "-u"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"partition\": \"x\"} | unknown option options.partition for provider pbs (known:",
        "{\"queue\": \"a b\"} | options.queue must be one word",
        "{\"launcher\": \"pbsdsh; rm\"} | options.launcher must be a command of plain words",
        "{\"schedulerOptions\": \"#SBATCH -p x\"} | options.schedulerOptions lines must be options"
            + " or #PBS lines",
        "{\"walltime\": \"forever\"} | options.walltime must be a walltime",
      })
  void refusesBadOptionsNamingThem(String options, String message) {
    assertThatThrownBy(() -> create(options))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith(message);
  }
}
