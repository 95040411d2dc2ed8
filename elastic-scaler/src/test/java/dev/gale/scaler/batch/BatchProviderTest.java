package dev.gale.scaler.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a failed block's output is summed up in its status message. */
class BatchProviderTest {
  @TempDir Path dir;

  @Test
  void aFailedJobsMessageEndsWithTheLastLinesOfItsOutput() throws Exception {
    Path out = dir.resolve("b.out");
    Files.writeString(
        out,
        IntStream.rangeClosed(1, 50).mapToObj(i -> "line " + i).collect(Collectors.joining("\n")));
    assertThat(BatchProvider.outputSummary(out))
        .isEqualTo(
            "output "
                + out
                + " ends with:\n"
                + IntStream.rangeClosed(41, 50)
                    .mapToObj(i -> "line " + i)
                    .collect(Collectors.joining("\n")));
  }

  @Test
  void saysWhenThereIsNoOutputOrItIsEmpty() throws Exception {
    Path out = dir.resolve("b.out");
    assertThat(BatchProvider.outputSummary(out)).isEqualTo("no output at " + out);
    Files.writeString(out, "\n\n");
    assertThat(BatchProvider.outputSummary(out)).isEqualTo("output " + out + " is empty");
  }

  @Test
  void boundsVeryLongLines() throws Exception {
    Path out = dir.resolve("b.out");
    Files.writeString(out, "x".repeat(100_000));
    assertThat(BatchProvider.outputSummary(out)).hasSizeLessThan(2100).contains("...xxx");
  }
}
