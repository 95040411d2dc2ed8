package dev.gale.cli.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerLauncherTest {
  @Test
  void passesModuleFlagsAndPropertiesButNotAgentsOrHeap() {
    assertThat(
            WorkerLauncher.inheritedJvmFlags(
                List.of(
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-modules=java.se",
                    "-Dhazelcast.phone.home.enabled=false",
                    "-Xmx2g",
                    "-agentlib:jdwp=transport=dt_socket,server=y,address=5005",
                    "-Djdk.module.addopens.0=x")))
        .containsExactly(
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-modules=java.se",
            "-Dhazelcast.phone.home.enabled=false");
  }

  @Test
  void runsMainWorkerWithThisClassPath() {
    List<String> argv = WorkerLauncher.command("-Xmx256m", List.of("--pool", "{pool}"));
    assertThat(argv.get(0)).endsWith("java");
    assertThat(argv).containsSequence("-cp", System.getProperty("java.class.path"));
    assertThat(argv).containsSequence("dev.gale.cli.Main", "worker", "--pool", "{pool}");
    assertThat(argv).contains("-Xmx256m");
  }

  @Test
  void mapsTheWorkerArchiveOnlyWhenItExistsAndNoArchiveIsChosenAlready(@TempDir Path dir)
      throws Exception {
    Path archive = Files.createFile(dir.resolve("worker.jsa"));
    assertThat(WorkerLauncher.sharedArchiveFlags(archive.toString(), ""))
        .containsExactly(
            "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    assertThat(WorkerLauncher.sharedArchiveFlags(null, "")).isEmpty();
    assertThat(WorkerLauncher.sharedArchiveFlags(dir.resolve("gone.jsa").toString(), "")).isEmpty();
    assertThat(
            WorkerLauncher.sharedArchiveFlags(
                archive.toString(), "-XX:ArchiveClassesAtExit=/tmp/w.jsa"))
        .isEmpty();
    assertThat(WorkerLauncher.sharedArchiveFlags(archive.toString(), "-Xshare:off")).isEmpty();
  }
}
