package dev.gale.scaler.pbs;

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

/** The PBS batch script, rendered and read as text (the Torque wrappers run it in the ITs). */
class PbsScriptTest {
  private static final Path DIR = Path.of("/home/u/gale/pbs");

  private static PbsOptions options(String json) {
    return PbsOptions.read(new OptionReader(Json.readTree(json), "pbs"), Path.of("/work"));
  }

  private static JobSpec spec(int nodes) {
    return new JobSpec(
        "pbs-abc-1",
        new BlockRequest("analysis-pool", nodes, 8, Duration.ofHours(30)),
        Duration.ofHours(30),
        List.of("/opt/gale/bin/gale", "worker", "--slots", "8"),
        BlockFiles.in(DIR, "pbs-abc-1"));
  }

  @Test
  void oneNodeRunsTheAgentAndLeavesItsExitCode() {
    String s =
        PbsScript.render(
            spec(1),
            options(
                """
                {"queue": "batch", "account": "proj42", "memory": "16G", "cpusPerNode": 8,
                 "schedulerOptions": ["-l feature=haswell", "#PBS -m n"],
                 "workerInit": "module load java/17"}
                """));
    assertThat(s)
        .startsWith("#!/bin/bash\n")
        .contains("#PBS -N gale-analysis-p\n")
        .contains("#PBS -o /home/u/gale/pbs/pbs-abc-1.out\n#PBS -j oe\n#PBS -r n\n")
        .contains("#PBS -l nodes=1:ppn=8\n")
        .contains("#PBS -l walltime=30:00:00\n")
        .contains("#PBS -q batch\n#PBS -A proj42\n#PBS -l mem=16gb\n")
        .contains("#PBS -l feature=haswell\n#PBS -m n\n")
        .contains("cd '/home/u/gale/pbs' || exit 1\n")
        .contains("module load java/17\n")
        .contains("trap \"rm -f '/home/u/gale/pbs/pbs-abc-1.env'\" EXIT\n")
        .contains(". '/home/u/gale/pbs/pbs-abc-1.env'\n")
        .contains("\n'/opt/gale/bin/gale' 'worker' '--slots' '8'\ncode=$?\n")
        .contains("echo \"$code\" > '/home/u/gale/pbs/pbs-abc-1.exit'\n")
        .doesNotContain("pbsdsh")
        .doesNotContain("{{");
    assertThat(s.lastIndexOf("#PBS")).isLessThan(s.indexOf("cd '"));
  }

  @Test
  void severalNodesStartOneAgentPerNodeWithTheLauncherEachReadingTheEnvironment() {
    String s = PbsScript.render(spec(4), options("{}"));
    assertThat(s)
        .contains("#PBS -l nodes=4:ppn=1\n")
        .contains(
            "\npbsdsh -u /bin/bash -c 'set -a; . '\\''/home/u/gale/pbs/pbs-abc-1.env'\\'';"
                + " set +a; exec '\\''/opt/gale/bin/gale'\\'' '\\''worker'\\'' '\\''--slots'\\''"
                + " '\\''8'\\'''\ncode=$?\n");
    assertThat(PbsScript.render(spec(4), options("{\"launcher\": \"mpiexec -ppn 1\"}")))
        .contains("\nmpiexec -ppn 1 /bin/bash -c ");
  }

  @Test
  void writesMemoryAsPbsDoesAndCutsLongJobNames() {
    assertThat(PbsScript.memory("16G")).isEqualTo("16gb");
    assertThat(PbsScript.memory("512")).isEqualTo("512mb");
    assertThat(PbsScript.memory("1T")).isEqualTo("1tb");
    assertThat(PbsScript.jobName("a b")).isEqualTo("gale-a_b");
    assertThat(PbsScript.jobName("a-very-long-pool-name")).isEqualTo("gale-a-very-lon");
  }
}
