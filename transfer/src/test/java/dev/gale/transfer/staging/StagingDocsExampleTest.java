package dev.gale.transfer.staging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import dev.gale.transfer.Stagers;
import dev.gale.transfer.TransferSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java example of docs/staging.md, kept compiling and working here. */
class StagingDocsExampleTest {
  @TempDir Path data;
  @TempDir Path workDir;

  @Test
  void theDocsExampleStagesInAndOut() throws Exception {
    Files.writeString(data.resolve("in.csv"), "a,b\n");
    Map<String, String> env = Map.of("GALE_TRANSFER_FILE_ROOTS", data.toString());

    // --- docs/staging.md: "Using the engine from Java" ---
    TransferSettings settings = TransferSettings.fromEnvironment(env);
    try (Stagers stagers = settings.stagers();
        StagingEngine engine = new StagingEngine(stagers, settings.stagingOptions())) {
      JsonNode args = Json.readTree("{\"table\": {\"$file\": \"" + data.toUri() + "in.csv\"}}");
      StagedInputs in = engine.stageIn(args, workDir);
      // ... run the function with in.args(): {"table": "<workDir>/in.csv"} ...
      Files.writeString(workDir.resolve("out.csv"), "done\n");
      List<StagedOutput> out =
          engine.stageOut(
              Json.readTree("[{\"path\": \"out.csv\", \"to\": \"" + data.toUri() + "{run}.csv\"}]"),
              Json.readTree("{\"run\": \"r1\"}"),
              workDir);
      // --- end of the example ---
      assertThat(in.args().path("table").asText()).isEqualTo(workDir.resolve("in.csv").toString());
      assertThat(out).hasSize(1);
      assertThat(Files.readString(data.resolve("r1.csv"))).isEqualTo("done\n");
    }
  }
}
