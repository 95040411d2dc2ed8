package dev.gale.scaler.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.ProviderRegistry;
import dev.gale.scaler.batch.BatchOptions;
import dev.gale.scaler.batch.ProcessCommandRunner;
import dev.gale.scaler.spi.ProviderContext;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SlurmProviderFactoryTest {
  private static final Path WORK = Path.of("/var/lib/gale/work");

  private static SlurmProvider create(String options) {
    return (SlurmProvider)
        new SlurmProviderFactory()
            .create(
                new ProviderContext(
                    "hpc", Json.readTree(options), BlockCommand.of("gale", "worker"), WORK));
  }

  @Test
  void isFoundByItsKey() {
    assertThat(ProviderRegistry.fromServiceLoader().keys()).contains("slurm");
    assertThat(ProviderRegistry.fromServiceLoader().factory("slurm"))
        .isInstanceOf(SlurmProviderFactory.class);
  }

  @Test
  void hasDefaultsForEverything() {
    SlurmOptions o = create("{}").options();
    assertThat(o.common().walltime()).isEqualTo(BatchOptions.DEFAULT_WALLTIME);
    assertThat(o.common().cpusPerNode()).isEqualTo(1);
    assertThat(o.common().scriptDir()).isEqualTo(WORK.resolve("slurm"));
    assertThat(o.common().commandTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.grace()).isEqualTo(SlurmOptions.DEFAULT_GRACE);
    assertThat(o.partition()).isNull();
    assertThat(o.exclusive()).isFalse();
  }

  @Test
  void readsEveryOption() {
    SlurmOptions o =
        create(
                """
                {"partition": "gpu", "account": "p1", "qos": "debug", "walltime": "1-00:30:00",
                 "schedulerOptions": ["--constraint=a100"], "workerInit": "module load cuda",
                 "cpusPerNode": 16, "memory": "64G", "exclusive": true, "gracePeriodSeconds": 0,
                 "slurmConf": "/etc/slurm/other.conf", "scriptDir": "/scratch/gale",
                 "commandEnv": {"SLURM_CLUSTERS": "c2"}, "inheritEnv": ["KRB5CCNAME"],
                 "commandTimeoutSeconds": 5}
                """)
            .options();
    assertThat(o.partition()).isEqualTo("gpu");
    assertThat(o.qos()).isEqualTo("debug");
    assertThat(o.exclusive()).isTrue();
    assertThat(o.grace()).isZero();
    assertThat(o.slurmConf()).isEqualTo(Path.of("/etc/slurm/other.conf"));
    assertThat(o.common().account()).isEqualTo("p1");
    assertThat(o.common().walltime()).isEqualTo(Duration.ofHours(24).plusMinutes(30));
    assertThat(o.common().schedulerOptions()).containsExactly("#SBATCH --constraint=a100");
    assertThat(o.common().workerInit()).containsExactly("module load cuda");
    assertThat(o.common().cpusPerNode()).isEqualTo(16);
    assertThat(o.common().memory()).isEqualTo("64G");
    assertThat(o.common().scriptDir()).isEqualTo(Path.of("/scratch/gale"));
    assertThat(o.common().commandTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void commandsGetSlurmConfAndTheChosenVariablesButNotTheScalersOthers() {
    SlurmProvider p =
        (SlurmProvider)
            new SlurmProviderFactory()
                .create(
                    new ProviderContext(
                        "hpc",
                        Json.readTree(
                            "{\"slurmConf\": \"/x/slurm.conf\", \"commandEnv\": {\"A\": \"b\"}}"),
                        BlockCommand.of("gale"),
                        WORK));
    assertThat(p.options().slurmConf()).isEqualTo(Path.of("/x/slurm.conf"));
    ProcessCommandRunner r = p.options().common().runner(java.util.Map.of("SLURM_CONF", "/x"));
    assertThat(r.environment()).containsEntry("SLURM_CONF", "/x").containsEntry("A", "b");
    assertThat(r.environment().keySet())
        .allMatch(
            k ->
                ProcessCommandRunner.INHERITED.contains(k)
                    || k.equals("SLURM_CONF")
                    || k.equals("A"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"walltme\": \"01:00:00\"} | unknown option options.walltme for provider slurm (known:",
        "{\"walltime\": \"1h\"} | options.walltime must be a walltime HH:MM:SS or D-HH:MM:SS",
        "{\"walltime\": \"00:61:00\"} | options.walltime must be a walltime",
        "{\"walltime\": \"00:00:00\"} | options.walltime must be a walltime",
        "{\"partition\": \"a b\"} | options.partition must be one word",
        "{\"partition\": 3} | options.partition must be a non-empty string on one line",
        "{\"account\": \"x\\ny\"} | options.account must be a non-empty string on one line",
        "{\"cpusPerNode\": 0} | options.cpusPerNode must be an integer of at least 1",
        "{\"memory\": \"lots\"} | options.memory must be a size such as 4096M or 16G",
        "{\"exclusive\": \"yes\"} | options.exclusive must be true or false",
        "{\"gracePeriodSeconds\": -1} | options.gracePeriodSeconds must be an integer of at least 0",
        "{\"schedulerOptions\": \"#PBS -q x\"} | options.schedulerOptions lines must be options or"
            + " #SBATCH lines",
        "{\"schedulerOptions\": {\"a\": 1}} | options.schedulerOptions must be a string or an array",
        "{\"workerInit\": [1]} | options.workerInit must be an array of one-line strings",
        "{\"scriptDir\": \"relative/dir\"} | options.scriptDir must be an absolute path",
        "{\"slurmConf\": \"/a b/slurm.conf\"} | options.slurmConf must be one word",
        "{\"commandEnv\": {\"1X\": \"v\"}} | options.commandEnv must be an object of NAME",
        "{\"inheritEnv\": \"HOME\"} | options.inheritEnv must be an array of environment variable",
        "{\"commandTimeoutSeconds\": 1.5} | options.commandTimeoutSeconds must be an integer",
      })
  void refusesBadOptionsNamingThem(String options, String message) {
    assertThatThrownBy(() -> create(options))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void refusesAWorkDirThatDirectivesCannotHold() {
    assertThatThrownBy(
            () ->
                new SlurmProviderFactory()
                    .create(
                        new ProviderContext(
                            "hpc", Json.object(), BlockCommand.of("gale"), Path.of("/my work"))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("set options.scriptDir");
  }
}
