package dev.gale.scaler.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.Json;
import dev.gale.scaler.BlockRequest;
import dev.gale.scaler.batch.BlockFiles;
import dev.gale.scaler.batch.JobSpec;
import dev.gale.scaler.batch.OptionReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The batch script, rendered and read as text (the real Slurm runs it in the ITs). */
class SlurmScriptTest {
  private static final Path DIR = Path.of("/shared/gale/slurm");

  private static SlurmOptions options(String json) {
    return SlurmOptions.read(new OptionReader(Json.readTree(json), "slurm"), Path.of("/work"));
  }

  private static JobSpec spec(int nodes, Duration walltime) {
    return new JobSpec(
        "slurm-abc-1",
        new BlockRequest("cpu pool", nodes, 4, walltime),
        walltime,
        List.of("/opt/gale/bin/gale", "worker", "--slots", "4", "it's"),
        BlockFiles.in(DIR, "slurm-abc-1"));
  }

  @Test
  void oneNodeRunsTheAgentInPlaceOfTheShellWithTheRequestedResources() {
    String s =
        SlurmScript.render(
            spec(1, Duration.ofMinutes(90)),
            options(
                """
                {"partition": "debug", "account": "proj42", "qos": "high", "memory": "16g",
                 "exclusive": true, "cpusPerNode": 4,
                 "schedulerOptions": "--constraint=haswell\\n#SBATCH --gres=gpu:1",
                 "workerInit": ["module load java/17", "export OMP_NUM_THREADS=1"]}
                """));
    assertThat(s)
        .startsWith("#!/bin/bash\n")
        .contains("#SBATCH --job-name=gale-cpu_pool\n")
        .contains("#SBATCH --output=/shared/gale/slurm/slurm-abc-1.out\n")
        .contains("#SBATCH --chdir=/shared/gale/slurm\n")
        .contains("#SBATCH --nodes=1\n")
        .contains("#SBATCH --ntasks-per-node=1\n")
        .contains("#SBATCH --cpus-per-task=4\n")
        .contains("#SBATCH --time=01:30:00\n")
        .contains("#SBATCH --partition=debug\n")
        .contains("#SBATCH --account=proj42\n")
        .contains("#SBATCH --qos=high\n")
        .contains("#SBATCH --mem=16G\n")
        .contains("#SBATCH --exclusive\n")
        .contains("#SBATCH --constraint=haswell\n#SBATCH --gres=gpu:1\n")
        .contains("module load java/17\nexport OMP_NUM_THREADS=1\n")
        .contains(". '/shared/gale/slurm/slurm-abc-1.env'\n")
        .contains("rm -f '/shared/gale/slurm/slurm-abc-1.env'\n")
        .endsWith("exec '/opt/gale/bin/gale' 'worker' '--slots' '4' 'it'\\''s'\n")
        .doesNotContain("srun")
        .doesNotContain("{{");
    // every directive comes before the first command, or sbatch ignores it
    int lastDirective = s.lastIndexOf("#SBATCH");
    assertThat(lastDirective).isLessThan(s.indexOf("module load"));
  }

  @Test
  void severalNodesStartOneAgentPerNodeWithSrun() {
    String s = SlurmScript.render(spec(3, Duration.ofHours(2)), options("{\"cpusPerNode\": 8}"));
    assertThat(s)
        .contains("#SBATCH --nodes=3\n")
        .contains("#SBATCH --ntasks-per-node=1\n")
        .contains("#SBATCH --cpus-per-task=8\n")
        .endsWith(
            "exec srun --nodes=3 --ntasks=3 --ntasks-per-node=1 --cpus-per-task=8"
                + " --kill-on-bad-exit=0 '/opt/gale/bin/gale' 'worker' '--slots' '4' 'it'\\''s'\n");
  }

  @Test
  void leavesOutWhatIsNotSetAndWritesLongWalltimesWithDays() {
    String s = SlurmScript.render(spec(1, Duration.ofHours(50)), options("{}"));
    assertThat(s)
        .contains("#SBATCH --time=2-02:00:00\n")
        .doesNotContain("--partition")
        .doesNotContain("--account")
        .doesNotContain("--qos")
        .doesNotContain("--mem")
        .doesNotContain("--exclusive")
        .doesNotContain("\n\n\n");
  }
}
