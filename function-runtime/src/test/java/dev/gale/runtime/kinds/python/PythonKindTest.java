package dev.gale.runtime.kinds.python;

import static dev.gale.runtime.testfn.Attempts.attempt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.ErrorInfo;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.api.protocol.FunctionSpec;
import dev.gale.runtime.spi.ArtifactSource;
import dev.gale.runtime.spi.AttemptOutcome;
import dev.gale.runtime.spi.Cancellation;
import dev.gale.runtime.spi.KindEnvironment;
import dev.gale.runtime.spi.Limits;
import dev.gale.runtime.spi.PreparedFunction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonKindTest {
  private static final AtomicInteger IDS = new AtomicInteger();

  @TempDir Path dir;
  ScheduledExecutorService timer;
  PythonKind kind;

  @BeforeAll
  static void requirePython() throws Exception {
    boolean present;
    try {
      present = new ProcessBuilder("python3", "--version").start().waitFor() == 0;
    } catch (java.io.IOException e) {
      present = false;
    }
    Assumptions.assumeTrue(present, "python3 is not installed");
  }

  @BeforeEach
  void setUp() {
    timer = Executors.newSingleThreadScheduledExecutor();
    kind = newKind("python3");
  }

  private PythonKind newKind(String python) {
    return new PythonKind(new KindEnvironment(dir, 2, python, ArtifactSource.NONE, timer));
  }

  @AfterEach
  void tearDown() {
    kind.close();
    timer.shutdownNow();
  }

  private PreparedFunction function(String source, String entrypoint) {
    var spec = Json.object().put("source", source).put("entrypoint", entrypoint);
    return kind.prepare(new FunctionSpec("py-" + IDS.incrementAndGet(), "python", spec, null));
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
  void returnsTheFunctionsJsonValue() throws Exception {
    PreparedFunction f = function("def add(x, y):\n    return {'sum': x + y, 'u': 'é'}\n", "add");
    assertThat(ok(f.run(attempt(dir, "{\"x\": 2, \"y\": 40}"))))
        .isEqualTo("{\"sum\":42,\"u\":\"é\"}");
  }

  @Test
  void exceptionReportsTypeMessageAndTraceback() throws Exception {
    PreparedFunction f =
        function(
            "def f(n):\n    print('about to fail')\n    raise ValueError('bad n=%d' % n)\n", "f");
    ErrorInfo e = error(f.run(attempt(dir, "{\"n\": 7}")));
    assertThat(e.code()).isEqualTo("exception");
    assertThat(e.message()).isEqualTo("ValueError: bad n=7");
    assertThat(e.details().get("type").asText()).isEqualTo("ValueError");
    assertThat(e.details().get("message").asText()).isEqualTo("bad n=7");
    assertThat(e.details().get("traceback").asText())
        .contains("<gale function py-")
        .contains("raise ValueError('bad n=%d' % n)")
        .contains("ValueError: bad n=7")
        .doesNotContain("gale_driver");
    assertThat(e.details().get("stdout").asText()).isEqualTo("about to fail\n");
  }

  @Test
  void printsAndChildOutputDoNotCorruptTheProtocol() throws Exception {
    PreparedFunction f =
        function(
            "import os, sys\n"
                + "def noisy():\n"
                + "    print('{\"ok\": false}')\n"
                + "    sys.stdout.write('\\n\\n')\n"
                + "    os.write(1, b'raw fd write\\n')\n"
                + "    os.system('echo from a child process')\n"
                + "    input_ok = sys.stdin.read() == ''\n"
                + "    return {'value': 42, 'stdinEmpty': input_ok}\n",
            "noisy");
    assertThat(ok(f.run(attempt(dir, "{}")))).isEqualTo("{\"value\":42,\"stdinEmpty\":true}");
    assertThat(ok(f.run(attempt(dir, "{}")))).isEqualTo("{\"value\":42,\"stdinEmpty\":true}");
  }

  @Test
  void sourceIsCompiledOnceAndTheInterpreterStaysWarm() throws Exception {
    PreparedFunction f =
        function(
            "import os\ncalls = [0]\ndef f():\n    calls[0] += 1\n    return [calls[0], os.getpid()]\n",
            "f");
    var first = Json.readTree(ok(f.run(attempt(dir, "{}"))));
    var second = Json.readTree(ok(f.run(attempt(dir, "{}"))));
    assertThat(second.get(1).asLong()).isEqualTo(first.get(1).asLong());
    assertThat(second.get(0).asInt()).isEqualTo(first.get(0).asInt() + 1);
  }

  @Test
  void nonJsonResultFailsWithInvalidResult() throws Exception {
    PreparedFunction f = function("def f():\n    return {1, 2}\n", "f");
    ErrorInfo e = error(f.run(attempt(dir, "{}")));
    assertThat(e.code()).isEqualTo("invalid_result");
    assertThat(e.message()).contains("not JSON");
  }

  @Test
  void timeoutKillsTheInterpreterAndTheNextCallGetsAFreshOne() throws Exception {
    PreparedFunction pid = function("import os\ndef pid():\n    return os.getpid()\n", "pid");
    long before = Long.parseLong(ok(pid.run(attempt(dir, "{}"))));
    PreparedFunction sleeper = function("import time\ndef f():\n    time.sleep(100)\n", "f");
    Cancellation cancellation = new Cancellation();
    timer.schedule(
        () -> cancellation.cancel(Cancellation.Reason.TIMEOUT), 300, TimeUnit.MILLISECONDS);
    long start = System.nanoTime();
    ErrorInfo e = error(sleeper.run(attempt(dir, "{}", cancellation, Limits.DEFAULT)));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(e.code()).isEqualTo("timeout");
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false) == false);
    long after = Long.parseLong(ok(pid.run(attempt(dir, "{}"))));
    assertThat(after).isNotEqualTo(before);
  }

  @Test
  void aCrashedInterpreterIsReportedAndReplaced() throws Exception {
    PreparedFunction crash = function("import os\ndef f():\n    os._exit(9)\n", "f");
    ErrorInfo e = error(crash.run(attempt(dir, "{}")));
    assertThat(e.code()).isEqualTo("process_died");
    assertThat(e.details().get("exitCode").asInt()).isEqualTo(9);
    PreparedFunction fine = function("def f():\n    return 'fine'\n", "f");
    assertThat(ok(fine.run(attempt(dir, "{}")))).isEqualTo("\"fine\"");
  }

  @Test
  void missingInterpreterFailsWithRuntimeUnavailable() throws Exception {
    kind.close();
    kind = newKind("no-such-python-xyz");
    ErrorInfo e = error(function("def f():\n    return 1\n", "f").run(attempt(dir, "{}")));
    assertThat(e.code()).isEqualTo("runtime_unavailable");
    assertThat(e.message()).contains("no-such-python-xyz");
  }

  @Test
  void sourceThatDoesNotLoadFailsWithInvalidFunction() throws Exception {
    ErrorInfo syntax = error(function("def f(:\n  pass\n", "f").run(attempt(dir, "{}")));
    assertThat(syntax.code()).isEqualTo("invalid_function");
    assertThat(syntax.message()).contains("SyntaxError");
    ErrorInfo missing = error(function("def g():\n  pass\n", "f").run(attempt(dir, "{}")));
    assertThat(missing.code()).isEqualTo("invalid_function");
    assertThat(missing.message()).contains("'f'");
  }

  @Test
  void specWithoutSourceOrWithABadEntrypointIsRejected() {
    assertThatThrownBy(
            () ->
                kind.prepare(
                    new FunctionSpec("x", "python", Json.object().put("entrypoint", "f"), null)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("source");
    assertThatThrownBy(() -> function("def f(): pass", "not valid"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("identifier");
  }
}
