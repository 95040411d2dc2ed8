package dev.gale.cli.commands.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LeanHttpTest {
  private static final byte[] BODY = "{\"args\":{\"i\":1}}".getBytes(StandardCharsets.UTF_8);

  private static LeanHttp.Response post(LeanHttp http) throws IOException {
    return http.post("/v1/functions/f/invoke", "application/json", BODY);
  }

  /** Reads a request and answers it with {@code text} framed by Content-Length. */
  private static void answer(ScriptedServer.Connection c, String text) throws IOException {
    c.readRequest();
    c.write("HTTP/1.1 200 OK\r\nContent-Length: " + text.length() + "\r\n\r\n" + text);
  }

  @Test
  void sendsMethodPathHeadersAndBody() throws Exception {
    try (ScriptedServer server = new ScriptedServer(c -> answer(c, "{}"));
        LeanHttp http = new LeanHttp(server.uri(), "tok")) {
      post(http);
      server.close();
      ScriptedServer.Request r = server.requests().get(0);
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.target()).isEqualTo("/v1/functions/f/invoke");
      assertThat(r.headers())
          .containsEntry("host", server.uri().getAuthority())
          .containsEntry("authorization", "Bearer tok")
          .containsEntry("content-type", "application/json")
          .containsEntry("content-length", String.valueOf(BODY.length));
      assertThat(r.body()).isEqualTo(BODY);
    }
  }

  @Test
  void readsABodyByContentLengthAndKeepsTheConnection() throws Exception {
    try (ScriptedServer server =
            new ScriptedServer(
                c -> {
                  answer(c, "first");
                  c.readRequest();
                  c.write("HTTP/1.1 429 Too Many Requests\r\ncontent-LENGTH: 6\r\n\r\nsecond");
                  assertThat(c.clientClosed()).isTrue();
                });
        LeanHttp http = new LeanHttp(server.uri(), "tok")) {
      LeanHttp.Response first = post(http);
      LeanHttp.Response second = post(http);
      http.close();
      server.close();
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.text()).isEqualTo("first");
      assertThat(second.status()).isEqualTo(429);
      assertThat(second.text()).isEqualTo("second");
      assertThat(server.connections()).isEqualTo(1);
      assertThat(server.requests()).hasSize(2);
    }
  }

  @Test
  void readsAChunkedBodyWithExtensionsAndTrailers() throws Exception {
    try (ScriptedServer server =
            new ScriptedServer(
                c -> {
                  c.readRequest();
                  c.write(
                      "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n"
                          + "5;name=\"value\"\r\nhello\r\n"
                          + "7 ; ext\r\n, world\r\n"
                          + "0;last\r\nX-Checksum: abc\r\nX-Other: def\r\n\r\n");
                  answer(c, "after");
                });
        LeanHttp http = new LeanHttp(server.uri(), "tok")) {
      assertThat(post(http).text()).isEqualTo("hello, world");
      assertThat(post(http).text()).isEqualTo("after");
      server.close();
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  @Test
  void readsABodyToTheEndOfTheConnectionAndReconnectsAfter() throws Exception {
    try (ScriptedServer server =
            new ScriptedServer(
                c -> {
                  c.readRequest();
                  c.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
                },
                c -> answer(c, "next"));
        LeanHttp http = new LeanHttp(server.uri(), "tok")) {
      assertThat(post(http).text()).isEqualTo("until the end");
      assertThat(post(http).text()).isEqualTo("next");
      server.close();
      assertThat(server.connections()).isEqualTo(2);
    }
  }

  @Test
  void reconnectsAfterTheServerAskedToClose() throws Exception {
    try (ScriptedServer server =
            new ScriptedServer(
                c -> {
                  c.readRequest();
                  c.write("HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 3\r\n\r\none");
                  assertThat(c.clientClosed()).as("client closed the connection").isTrue();
                },
                c -> {
                  c.readRequest();
                  c.write("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\ntwo");
                  assertThat(c.clientClosed()).as("client closed the 1.0 connection").isTrue();
                },
                c -> answer(c, "three"));
        LeanHttp http = new LeanHttp(server.uri(), "tok")) {
      assertThat(post(http).text()).isEqualTo("one");
      assertThat(post(http).text()).isEqualTo("two");
      assertThat(post(http).text()).isEqualTo("three");
      server.close();
      assertThat(server.connections()).isEqualTo(3);
      assertThat(server.requests()).hasSize(3);
    }
  }

  @Test
  void retriesOnceOnANewConnectionWhenTheServerClosedAnIdleOne() throws Exception {
    CountDownLatch idleClosed = new CountDownLatch(1);
    try (ScriptedServer server =
            new ScriptedServer(
                c -> {
                  answer(c, "one");
                  c.close();
                  idleClosed.countDown();
                },
                c -> answer(c, "two"));
        LeanHttp http = new LeanHttp(server.uri(), "tok")) {
      assertThat(post(http).text()).isEqualTo("one");
      assertThat(idleClosed.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(post(http).text()).isEqualTo("two");
      server.close();
      assertThat(server.connections()).isEqualTo(2);
      assertThat(server.requests()).hasSize(2);
      assertThat(server.requests().get(1).body()).isEqualTo(BODY);
    }
  }

  @Test
  void doesNotRetryOnAFreshConnection() throws Exception {
    try (ScriptedServer server = new ScriptedServer(ScriptedServer.Connection::readRequest);
        LeanHttp http = new LeanHttp(server.uri(), "tok")) {
      assertThatThrownBy(() -> post(http))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("closed by the server before it answered");
      server.close();
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  @Test
  void retriesOnlyOnce() throws Exception {
    CountDownLatch idleClosed = new CountDownLatch(1);
    try (ScriptedServer server =
            new ScriptedServer(
                c -> {
                  answer(c, "one");
                  c.close();
                  idleClosed.countDown();
                },
                ScriptedServer.Connection::readRequest);
        LeanHttp http = new LeanHttp(server.uri(), "tok")) {
      post(http);
      assertThat(idleClosed.await(5, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> post(http))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("closed by the server before it answered");
      server.close();
      assertThat(server.connections()).isEqualTo(2);
    }
  }

  @Test
  void skipsInterimAnswers() throws Exception {
    try (ScriptedServer server =
            new ScriptedServer(
                c -> {
                  c.readRequest();
                  c.write("HTTP/1.1 100 Continue\r\n\r\n");
                  c.write("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
                });
        LeanHttp http = new LeanHttp(server.uri(), "tok")) {
      LeanHttp.Response r = post(http);
      assertThat(r.status()).isEqualTo(201);
      assertThat(r.text()).isEqualTo("ok");
    }
  }

  @Test
  void refusesAnOversizedHeaderLine() throws Exception {
    try (ScriptedServer server =
            new ScriptedServer(
                c -> {
                  c.readRequest();
                  c.write(
                      "HTTP/1.1 200 OK\r\nX-Big: "
                          + "a".repeat(ResponseReader.MAX_LINE_BYTES)
                          + "\r\nContent-Length: 0\r\n\r\n");
                });
        LeanHttp http = new LeanHttp(server.uri(), "tok")) {
      assertThatThrownBy(() -> post(http))
          .isInstanceOf(IOException.class)
          .hasMessage("header line longer than " + ResponseReader.MAX_LINE_BYTES + " bytes");
    }
  }

  @Test
  void refusesMalformedOrOversizedFraming() throws Exception {
    String[] answers = {
      "HTTP/1.1 200 OK\r\nContent-Length: " + (ResponseReader.MAX_BODY_BYTES + 1) + "\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\nabc",
      "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nab",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n",
      "HTTP/1.1 200 OK\r\n" + "X: y\r\n".repeat(ResponseReader.MAX_FIELDS + 1) + "\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
      "SSH-2.0-OpenSSH\r\n"
    };
    String[] messages = {
      "Content-Length " + (ResponseReader.MAX_BODY_BYTES + 1) + " above",
      "conflicting Content-Length",
      "malformed Content-Length",
      "unsupported Transfer-Encoding",
      "chunk data longer than its size",
      "more than " + ResponseReader.MAX_FIELDS + " header fields",
      "connection closed inside the body",
      "not an HTTP/1.x status line"
    };
    for (int i = 0; i < answers.length; i++) {
      String raw = answers[i];
      try (ScriptedServer server =
              new ScriptedServer(
                  c -> {
                    c.readRequest();
                    c.write(raw);
                  });
          LeanHttp http = new LeanHttp(server.uri(), "tok")) {
        assertThatThrownBy(() -> post(http))
            .as(raw)
            .isInstanceOf(IOException.class)
            .hasMessageContaining(messages[i]);
      }
    }
  }

  @Test
  void supportsPlainHttpOnly() {
    assertThat(LeanHttp.supports(URI.create("http://127.0.0.1:8080"))).isTrue();
    assertThat(LeanHttp.supports(URI.create("HTTP://gale.example"))).isTrue();
    assertThat(LeanHttp.supports(URI.create("https://gale.example"))).isFalse();
    assertThat(LeanHttp.supports(URI.create("http://user@gale.example"))).isFalse();
    assertThat(LeanHttp.supports(URI.create("unix:/run/gale.sock"))).isFalse();
    assertThatThrownBy(() -> new LeanHttp(URI.create("https://gale.example"), "tok"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
