package dev.gale.cli.commands.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.UnavailableException;
import java.net.URI;
import org.junit.jupiter.api.Test;

class LatencyClientTest {
  @Test
  void usesTheLeanClientForPlainHttpOnly() throws Exception {
    try (LatencyClient plain =
            LatencyClient.open(new BenchHttp(URI.create("http://127.0.0.1:1"), "tok"));
        LatencyClient tls =
            LatencyClient.open(new BenchHttp(URI.create("https://127.0.0.1:1"), "tok"))) {
      assertThat(plain.name()).isEqualTo("lean-http/1.1");
      assertThat(tls.name()).isEqualTo("jdk-httpclient");
    }
  }

  @Test
  void returnsTheAnswerOf200AndFailsWithStatusAndAnswerOtherwise() throws Exception {
    String answer = "{\"id\":\"t1\",\"state\":\"succeeded\"}";
    try (ScriptedServer server =
            new ScriptedServer(
                c -> {
                  c.readRequest();
                  c.write(
                      "HTTP/1.1 200 OK\r\nContent-Length: "
                          + answer.length()
                          + "\r\n\r\n"
                          + answer);
                  c.readRequest();
                  c.write("HTTP/1.1 429 Too Many Requests\r\nContent-Length: 4\r\n\r\nbusy");
                });
        LatencyClient client = LatencyClient.open(new BenchHttp(server.uri(), "tok"))) {
      assertThat(client.post("/v1/functions/f/invoke", "{}").get("state").asText())
          .isEqualTo("succeeded");
      assertThatThrownBy(() -> client.post("/v1/functions/f/invoke", "{}"))
          .isInstanceOf(UnavailableException.class)
          .hasMessageContaining("answered 429: busy");
      server.close();
      assertThat(server.requests().get(0).headers()).containsEntry("authorization", "Bearer tok");
      assertThat(server.connections()).isEqualTo(1);
    }
  }
}
