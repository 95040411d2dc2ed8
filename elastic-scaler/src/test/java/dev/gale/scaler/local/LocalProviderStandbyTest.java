package dev.gale.scaler.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.api.InvalidRequestException;
import dev.gale.scaler.BlockCommand;
import dev.gale.scaler.BlockRequest;
import dev.gale.scaler.BlockState;
import dev.gale.scaler.spi.ProviderContext;
import dev.gale.scaler.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local provider's standby: one process started ahead of demand that a submit takes. */
class LocalProviderStandbyTest {
  private static final BlockRequest REQ = BlockRequest.of("default", 3);

  /** Waits for a line on stdin when asked to stand by, as {@code gale worker --standby} does. */
  private static final String AGENT =
      "if [ \"$1\" = --standby ]; then echo \"standby {block} {slots}\"; read line || exit 0;"
          + " echo \"told: $line\"; fi; echo \"serving {block}\"; sleep 300";

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final List<String> submitted = new ArrayList<>();
  private LocalProvider provider;

  @AfterEach
  void stopEverything() {
    if (provider != null) {
      provider.dropReady();
      provider.cancel(submitted);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive));
  }

  private LocalProvider provider(String script, boolean standby) {
    provider =
        new LocalProvider(
            new BlockCommand(List.of("sh", "-c", script, "block"), Map.of(), List.of("--standby")),
            dir.resolve("logs"),
            Duration.ofSeconds(5),
            standby,
            clock);
    return provider;
  }

  private String submit(BlockRequest r) {
    String id = provider.submit(r);
    submitted.add(id);
    return id;
  }

  private List<Path> logs() throws IOException {
    if (!Files.isDirectory(dir.resolve("logs"))) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir.resolve("logs"))) {
      return s.sorted().toList();
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "";
    }
  }

  /** Waits until one standby waits and returns its log. */
  private Path awaitStandby() throws IOException {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> logs().size() == 1 && read(logs().get(0)).contains("standby "));
    return logs().get(0);
  }

  @Test
  void theNextEqualSubmitTurnsTheWaitingStandbyIntoTheBlock() throws Exception {
    provider(AGENT, true);
    provider.keepReady(REQ);
    Path standbyLog = awaitStandby();
    provider.keepReady(REQ); // one is enough
    assertThat(logs()).hasSize(1);

    String id = submit(REQ);
    assertThat(provider.logFile(id)).isEqualTo(standbyLog);
    assertThat(provider.status(List.of(id)).get(id).state()).isEqualTo(BlockState.RUNNING);
    await().atMost(Duration.ofSeconds(10)).until(() -> read(standbyLog).contains("serving " + id));
    assertThat(read(standbyLog))
        .contains("--- block " + id + " of pool default prepared as a standby")
        .contains("standby " + id + " 3")
        .contains("--- taken as block " + id)
        .contains("told: connect");
    assertThat(provider.jobId(id)).isPresent();

    // the next standby waits until the block just started had the CPU for a while
    provider.keepReady(REQ);
    assertThat(logs()).hasSize(1);
    clock.advance(LocalProvider.STANDBY_REFILL_DELAY);
    provider.keepReady(REQ);
    await().atMost(Duration.ofSeconds(10)).until(() -> logs().size() == 2);

    // without a standby for it, a submit starts its block as always
    String other = submit(BlockRequest.of("default", 5));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> read(provider.logFile(other)).contains("serving " + other));
    assertThat(read(provider.logFile(other))).doesNotContain("standby");
  }

  @Test
  void droppingTheStandbyStopsItsProcessAndRemovesItsLog() throws Exception {
    provider(AGENT, true);
    provider.keepReady(REQ);
    awaitStandby();
    provider.dropReady();
    assertThat(logs()).isEmpty();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive));
  }

  @Test
  void aChangedRequestReplacesTheStandby() throws Exception {
    provider(AGENT, true);
    provider.keepReady(REQ);
    Path first = awaitStandby();
    BlockRequest bigger = BlockRequest.of("default", 8);
    provider.keepReady(bigger);
    assertThat(first).doesNotExist();
    Path second = awaitStandby();
    assertThat(read(second)).contains(" 8\n");

    String id = submit(bigger);
    assertThat(provider.logFile(id)).isEqualTo(second);
  }

  @Test
  void aStandbyThatExitsByItselfKeepsItsLogAndIsRetriedOnlyAfterTheDelay() throws Exception {
    provider("if [ \"$1\" = --standby ]; then echo broken; exit 3; fi; sleep 300", true);
    provider.keepReady(REQ);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive));
    provider.keepReady(REQ); // notices the exit
    provider.keepReady(REQ);
    assertThat(logs()).hasSize(1);
    assertThat(read(logs().get(0))).contains("broken");

    String id = submit(REQ); // a block starts without it
    assertThat(provider.status(List.of(id)).get(id).state()).isEqualTo(BlockState.RUNNING);
    assertThat(read(provider.logFile(id))).doesNotContain("standby");

    clock.advance(LocalProvider.STANDBY_RETRY_DELAY);
    provider.keepReady(REQ);
    await().atMost(Duration.ofSeconds(10)).until(() -> logs().size() == 3);
  }

  @Test
  void noStandbyWhenSwitchedOffOrWhenTheCommandHasNoStandbyMode() throws Exception {
    provider(AGENT, false);
    provider.keepReady(REQ);
    assertThat(logs()).isEmpty();

    provider =
        new LocalProvider(
            new BlockCommand(List.of("sleep", "300"), Map.of()),
            dir.resolve("logs"),
            Duration.ofSeconds(5),
            true,
            clock);
    provider.keepReady(REQ);
    assertThat(logs()).isEmpty();
  }

  @Test
  void theFactoryTakesTheStandbyOptionAndRefusesANonBoolean() throws Exception {
    ObjectMapper json = new ObjectMapper();
    LocalProviderFactory f = new LocalProviderFactory();
    BlockCommand cmd =
        new BlockCommand(List.of("sh", "-c", AGENT, "block"), Map.of(), List.of("--standby"));
    provider =
        (LocalProvider)
            f.create(new ProviderContext("p", json.readTree("{\"standby\":false}"), cmd, dir));
    provider.keepReady(REQ);
    assertThat(logs()).isEmpty();
    assertThatThrownBy(
            () ->
                f.create(
                    new ProviderContext("p", json.readTree("{\"standby\":\"yes\"}"), cmd, dir)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("options.standby must be true or false");
  }
}
