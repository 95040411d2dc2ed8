package dev.gale.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's quick tour, as written, with bash and curl against a fresh service. */
class ReadmeTourIT {
  @TempDir Path home;
  @TempDir Path work;

  @Test
  void theQuickTourInTheReadmeRunsAsWritten() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int begin = readme.indexOf("<!-- tour:begin -->");
    int end = readme.indexOf("<!-- tour:end -->");
    assertThat(begin).as("tour markers in README.md").isPositive().isLessThan(end);
    String block = readme.substring(begin, end);
    String script =
        block.substring(block.indexOf("```bash") + "```bash".length(), block.lastIndexOf("```"));

    try (UpProcess up = UpProcess.start(home, false, "--workers", "1", "--slots", "2")) {
      Path file = Files.writeString(work.resolve("tour.sh"), script);
      ProcessBuilder pb =
          new ProcessBuilder("bash", "-euo", "pipefail", file.toString())
              .directory(work.toFile())
              .redirectErrorStream(true);
      pb.environment().put("GALE_URL", up.url.toString());
      pb.environment().put("GALE_HOME", home.toString());
      Process p = pb.start();
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("tour finished").isTrue();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out)
          .contains("\"stdout\":\"hello world; rm -rf /\\n\"")
          .contains("\"result\":5")
          .contains("\"result\":{\"x\":[1,2,3]}")
          .contains("\"result\":2")
          .contains("\"result\":4")
          .contains("unknown kind 'cobol'")
          .contains("\"workers\":[");
    }
  }
}
