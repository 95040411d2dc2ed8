package dev.gale.runtime.kinds.java;

import static dev.gale.runtime.testfn.Attempts.attempt;
import static dev.gale.runtime.testfn.Attempts.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.ErrorInfo;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.runtime.spi.ArtifactSource;
import dev.gale.runtime.spi.AttemptOutcome;
import dev.gale.runtime.spi.Cancellation;
import dev.gale.runtime.spi.KindEnvironment;
import dev.gale.runtime.spi.Limits;
import dev.gale.runtime.testfn.TestJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaKindTest {
  static byte[] jar;
  static String digest;

  @TempDir Path dir;
  ScheduledExecutorService timer;
  AtomicInteger fetches = new AtomicInteger();
  JavaKind kind;

  @BeforeAll
  static void buildJar() {
    jar = TestJars.exampleJar();
    digest = TestJars.digest(jar);
  }

  @BeforeEach
  void setUp() {
    timer = Executors.newSingleThreadScheduledExecutor();
    ArtifactSource source =
        (d, timeout) -> {
          fetches.incrementAndGet();
          if (d.equals(digest)) {
            return jar;
          }
          if (d.equals("sha256:" + "0".repeat(64))) {
            return jar; // bytes that do not match the digest
          }
          return ArtifactSource.NONE.fetch(d, timeout);
        };
    kind = new JavaKind(new KindEnvironment(dir, 2, "python3", source, timer));
  }

  @AfterEach
  void tearDown() {
    kind.close();
    timer.shutdownNow();
  }

  private AttemptOutcome run(String specJson, String args) throws Exception {
    return kind.prepare(spec("java", specJson)).run(attempt(dir, args));
  }

  private static String ok(AttemptOutcome outcome) {
    assertThat(outcome.ok()).as("outcome %s", outcome).isTrue();
    return ((AttemptOutcome.Success) outcome).result().json();
  }

  private static ErrorInfo error(AttemptOutcome outcome) {
    assertThat(outcome.ok()).as("outcome %s", outcome).isFalse();
    return ((AttemptOutcome.Failure) outcome).error();
  }

  @Test
  void echoBuiltinReturnsItsArgsUnchanged() throws Exception {
    String args =
        "{\"a\":1,\"b\":[true,null,2.5],\"c\":{\"d\":\"x\"},\"big\":12345678901234567890}";
    assertThat(Json.readTree(ok(run("{\"class\":\"dev.gale.function.builtin.Echo\"}", args))))
        .isEqualTo(Json.readTree(args));
  }

  @Test
  void sleepBuiltinSleepsAndReportsTheSeconds() throws Exception {
    long start = System.nanoTime();
    String r = ok(run("{\"class\":\"dev.gale.function.builtin.Sleep\"}", "{\"seconds\":0.2}"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(190));
    assertThat(r).isEqualTo("{\"slept\":0.2}");
  }

  @Test
  void cancellationInterruptsARunningFunction() throws Exception {
    Cancellation cancellation = new Cancellation();
    var f = kind.prepare(spec("java", "{\"class\":\"dev.gale.function.builtin.Sleep\"}"));
    timer.schedule(
        () -> cancellation.cancel(Cancellation.Reason.CANCELLED), 200, TimeUnit.MILLISECONDS);
    long start = System.nanoTime();
    AttemptOutcome outcome = f.run(attempt(dir, "{\"seconds\":30}", cancellation, Limits.DEFAULT));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(outcome.ok()).isFalse();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void classFromAnUploadedJarRunsAndTheJarIsFetchedOnce() throws Exception {
    var f =
        kind.prepare(
            spec("java", "{\"class\":\"org.example.Add\",\"artifact\":\"" + digest + "\"}"));
    var a = attempt(dir, "{\"a\":40,\"b\":2}");
    assertThat(Json.readTree(ok(f.run(a))))
        .isEqualTo(Json.readTree("{\"sum\":42,\"task\":\"" + a.taskId() + "\"}"));
    var g =
        kind.prepare(
            spec("java", "{\"class\":\"org.example.Add\",\"artifact\":\"" + digest + "\"}"));
    assertThat(Json.readTree(ok(g.run(attempt(dir, "{\"a\":1,\"b\":2}")))).get("sum").asInt())
        .isEqualTo(3);
    assertThat(fetches).hasValue(1);
    assertThat(dir.resolve("artifacts").resolve(digest.substring(7) + ".jar")).exists();
  }

  @Test
  void aCachedJarOnDiskIsReusedWithoutFetching() throws Exception {
    Files.createDirectories(dir.resolve("artifacts"));
    Files.write(dir.resolve("artifacts").resolve(digest.substring(7) + ".jar"), jar);
    ok(run("{\"class\":\"org.example.Add\",\"artifact\":\"" + digest + "\"}", "{\"a\":1,\"b\":1}"));
    assertThat(fetches).hasValue(0);
  }

  @Test
  void jarClassesSeeOnlyThePlatformAndTheFunctionApi() throws Exception {
    var seen =
        Json.readTree(
            ok(run("{\"class\":\"org.example.Peek\",\"artifact\":\"" + digest + "\"}", "{}")));
    assertThat(seen.get("dev.gale.function.GaleFunction").asBoolean()).isTrue();
    assertThat(seen.get("dev.gale.runtime.NodeAgent").asBoolean()).isFalse();
    assertThat(seen.get("com.fasterxml.jackson.databind.ObjectMapper").asBoolean()).isFalse();
    assertThat(seen.get("dev.gale.function.builtin.Echo").asBoolean()).isFalse();
  }

  @Test
  void exceptionReportsTypeMessageAndStackTrace() throws Exception {
    ErrorInfo e =
        error(run("{\"class\":\"org.example.Boom\",\"artifact\":\"" + digest + "\"}", "{\"n\":3}"));
    assertThat(e.code()).isEqualTo("exception");
    assertThat(e.message()).isEqualTo("java.lang.UnsupportedOperationException: boom 3");
    assertThat(e.details().get("type").asText())
        .isEqualTo("java.lang.UnsupportedOperationException");
    assertThat(e.details().get("message").asText()).isEqualTo("boom 3");
    assertThat(e.details().get("stackTrace").asText())
        .contains("org.example.Boom.call(Boom.java:")
        .doesNotContain("dev.gale.runtime")
        .doesNotContain("junit");
  }

  @Test
  void jarWhoseBytesDoNotMatchTheDigestIsRejected() throws Exception {
    ErrorInfo e =
        error(
            run(
                "{\"class\":\"org.example.Add\",\"artifact\":\"sha256:" + "0".repeat(64) + "\"}",
                "{}"));
    assertThat(e.code()).isEqualTo("invalid_function");
    assertThat(e.message()).contains("different digest");
  }

  @Test
  void unknownArtifactOrClassFailsWithInvalidFunction() throws Exception {
    ErrorInfo unknownJar =
        error(
            run(
                "{\"class\":\"org.example.Add\",\"artifact\":\"sha256:" + "1".repeat(64) + "\"}",
                "{}"));
    assertThat(unknownJar.code()).isEqualTo("invalid_function");
    ErrorInfo unknownClass = error(run("{\"class\":\"org.example.Nope\"}", "{}"));
    assertThat(unknownClass.code()).isEqualTo("invalid_function");
    assertThat(unknownClass.message()).contains("org.example.Nope");
    ErrorInfo notAFunction = error(run("{\"class\":\"java.lang.String\"}", "{}"));
    assertThat(notAFunction.message()).contains("does not implement");
  }

  @Test
  void argsThatAreNotAnObjectFailWithInvalidArgs() throws Exception {
    ErrorInfo e = error(run("{\"class\":\"dev.gale.function.builtin.Echo\"}", "[1,2]"));
    assertThat(e.code()).isEqualTo("invalid_args");
  }

  @Test
  void badSpecsAreRejected() {
    assertThatThrownBy(() -> kind.prepare(spec("java", "{}")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("class");
    assertThatThrownBy(
            () -> kind.prepare(spec("java", "{\"class\":\"a.B\",\"artifact\":\"md5:abc\"}")))
        .hasMessageContaining("sha256");
  }
}
