package dev.gale.cli;

import static dev.gale.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gale.api.Json;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client commands against a canned service: JSON on stdout, API errors as one line, exit 1. */
class ClientCommandsTest {
  @TempDir Path home;
  private HttpServer server;
  private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
  private volatile int status = 200;
  private volatile String body = "{}";

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          String in = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          seen.add(
              ex.getRequestMethod()
                  + " "
                  + ex.getRequestURI()
                  + " "
                  + ex.getRequestHeaders().getFirst("Authorization")
                  + " "
                  + in);
          byte[] out = body.getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(status, out.length);
          ex.getResponseBody().write(out);
          ex.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private Map<String, String> env() {
    return Map.of(
        "GALE_URL",
        "http://127.0.0.1:" + server.getAddress().getPort(),
        "GALE_HOME",
        home.toString());
  }

  @Test
  void printsTheAnswerAsIndentedJsonUsingTheTokenFile() throws Exception {
    Files.writeString(home.resolve("token"), "gale_abc\n");
    body = "{\"tasks\":[{\"id\":\"t1\",\"state\":\"queued\"}],\"nextCursor\":\"c\"}";
    CliTestSupport.Run r = run(env(), "tasks", "list", "--state", "QUEUED", "--limit", "5");
    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).contains("\n  \"tasks\" : [");
    assertThat(Json.readTree(r.out()).at("/tasks/0/id").asText()).isEqualTo("t1");
    assertThat(seen).containsExactly("GET /v1/tasks?state=queued&limit=5 Bearer gale_abc ");
  }

  @Test
  void anApiErrorIsOneLineWithItsCodeAndExitCode1() {
    status = 404;
    body = "{\"error\":{\"code\":\"not_found\",\"message\":\"no function fn-x\"}}";
    CliTestSupport.Run r = run(env(), "functions", "get", "fn-x");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("error: not_found: no function fn-x\n");
  }

  @Test
  void aFailedTaskIsPrintedAndExitsWith1() throws Exception {
    body =
        "{\"id\":\"t1\",\"state\":\"failed\",\"error\":{\"code\":\"nonzero_exit\","
            + "\"message\":\"'sh' exited with code 3\"}}";
    Path args = home.resolve("args.json");
    Files.writeString(args, "{\"n\": 1}");
    CliTestSupport.Run r = run(env(), "invoke", "fn-1", "--args", "@" + args, "--wait", "5");
    assertThat(r.code()).isEqualTo(1);
    assertThat(Json.readTree(r.out()).path("state").asText()).isEqualTo("failed");
    assertThat(r.err()).isEqualTo("error: nonzero_exit: 'sh' exited with code 3 (task t1)\n");
    assertThat(seen.get(0))
        .startsWith("POST /v1/functions/fn-1/invoke ")
        .endsWith("{\"args\":{\"n\":1},\"wait\":5}");
  }

  @Test
  void registersAFunctionFromFlags() {
    body = "{\"id\":\"fn-1\",\"name\":\"echo\",\"kind\":\"shell\"}";
    CliTestSupport.Run r =
        run(
            env(),
            "functions",
            "register",
            "--name",
            "echo",
            "--kind",
            "shell",
            "--spec",
            "{\"command\":[\"echo\",\"{x}\"]}",
            "--retries",
            "2",
            "--timeout",
            "30",
            "--public");
    assertThat(r.code()).isZero();
    String sent = seen.get(0).substring(seen.get(0).indexOf('{'));
    assertThat(Json.readTree(sent))
        .isEqualTo(
            Json.readTree(
                "{\"name\":\"echo\",\"kind\":\"shell\",\"spec\":{\"command\":[\"echo\",\"{x}\"]},"
                    + "\"retries\":2,\"timeoutSeconds\":30,\"public\":true}"));
  }
}
