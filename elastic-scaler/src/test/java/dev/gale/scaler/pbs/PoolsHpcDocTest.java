package dev.gale.scaler.pbs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import dev.gale.scaler.BlockRequest;
import dev.gale.scaler.batch.BlockFiles;
import dev.gale.scaler.batch.Docs;
import dev.gale.scaler.batch.JobSpec;
import dev.gale.scaler.batch.OptionReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What docs/pools-hpc.md shows of PBS pools is what the provider does. */
class PoolsHpcDocTest {

  @Test
  void theExamplePoolIsValidAndItsScriptIsWhatTheProviderWrites() throws Exception {
    String doc = Docs.read("pools-hpc.md");
    JsonNode pool = Json.readTree(Docs.block(doc, "pbs-pool"));
    assertThat(pool.get("provider").asText()).isEqualTo("pbs");
    PbsOptions o =
        PbsOptions.read(new OptionReader(pool.get("options"), "pbs"), Path.of("/unused"));
    JobSpec spec =
        new JobSpec(
            "pbs-7hq2mz-3",
            new BlockRequest(
                "batch", pool.get("nodesPerBlock").asInt(), pool.get("slotsPerNode").asInt(), null),
            o.common().walltime(),
            List.of("/opt/gale/gale", "worker", "--pool", "batch", "--slots", "8"),
            BlockFiles.in(o.common().scriptDir(), "pbs-7hq2mz-3"));
    Docs.assertBlock(doc, "pbs-script", PbsScript.render(spec, o));
  }
}
