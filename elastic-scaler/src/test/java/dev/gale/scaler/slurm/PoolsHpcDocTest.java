package dev.gale.scaler.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import dev.gale.scaler.BlockRequest;
import dev.gale.scaler.batch.BlockFiles;
import dev.gale.scaler.batch.Docs;
import dev.gale.scaler.batch.JobSpec;
import dev.gale.scaler.batch.OptionReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What docs/pools-hpc.md shows of Slurm pools is what the provider does. */
class PoolsHpcDocTest {

  @Test
  void theExamplePoolIsValidAndItsScriptIsWhatTheProviderWrites() throws Exception {
    String doc = Docs.read("pools-hpc.md");
    JsonNode pool = Json.readTree(Docs.block(doc, "slurm-pool"));
    assertThat(pool.get("provider").asText()).isEqualTo("slurm");
    SlurmOptions o =
        SlurmOptions.read(new OptionReader(pool.get("options"), "slurm"), Path.of("/unused"));
    JobSpec spec =
        new JobSpec(
            "slurm-k3x9q2-7",
            new BlockRequest(
                "gpu", pool.get("nodesPerBlock").asInt(), pool.get("slotsPerNode").asInt(), null),
            o.common().walltime(),
            List.of("/opt/gale/gale", "worker", "--pool", "gpu", "--slots", "4"),
            BlockFiles.in(o.common().scriptDir(), "slurm-k3x9q2-7"));
    Docs.assertBlock(doc, "slurm-script", SlurmScript.render(spec, o));
    assertThat(o.common().walltime()).isEqualTo(Duration.ofHours(4));
  }
}
