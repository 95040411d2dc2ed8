package dev.gale.cli.commands.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback HTTP server for client tests that serves the n-th accepted connection with the n-th
 * script, one connection at a time, and records what it received. A script that throws (an
 * assertion included) closes its connection and fails {@link #close()}; so does a connection beyond
 * the scripts, which is closed at once so that a client opening it fails fast instead of waiting
 * for its read timeout.
 */
final class ScriptedServer implements AutoCloseable {
  /** What the server does on one connection. */
  interface Script {
    void serve(Connection c) throws Exception;
  }

  /** A request as the server read it; header names in lower case. */
  record Request(String method, String target, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final ServerSocket server;
  private final Thread thread;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  ScriptedServer(Script... scripts) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    thread =
        new Thread(
            () -> {
              for (int n = 0; ; n++) {
                Socket socket;
                try {
                  socket = server.accept();
                } catch (IOException closed) {
                  return;
                }
                connections.incrementAndGet();
                try (socket) {
                  if (n >= scripts.length) {
                    throw new AssertionError("unscripted connection " + (n + 1));
                  }
                  socket.setSoTimeout(5000);
                  scripts[n].serve(new Connection(socket));
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              }
            },
            "scripted-server");
    thread.setDaemon(true);
    thread.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Connections accepted so far. */
  int connections() {
    return connections.get();
  }

  /** Requests read so far, in order. */
  List<Request> requests() {
    return requests;
  }

  /** Stops the server; fails with the first script's failure, if any. */
  @Override
  public void close() throws Exception {
    server.close();
    thread.join(10_000);
    if (failure.get() != null) {
      throw new AssertionError("server script failed", failure.get());
    }
  }

  /** One accepted connection. */
  final class Connection {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Connection(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new BufferedInputStream(socket.getInputStream());
      this.out = socket.getOutputStream();
    }

    /** Reads one request (body by Content-Length) and records it. */
    Request readRequest() throws IOException {
      String[] requestLine = line().split(" ", -1);
      Map<String, String> headers = new HashMap<>();
      for (String h; !(h = line()).isEmpty(); ) {
        int colon = h.indexOf(':');
        headers.put(h.substring(0, colon).toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
      }
      byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
      Request r = new Request(requestLine[0], requestLine[1], headers, body);
      requests.add(r);
      return r;
    }

    /** Sends raw bytes as they are. */
    void write(String raw) throws IOException {
      out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    /** True when the client closed its side without sending anything more. */
    boolean clientClosed() throws IOException {
      return in.read() < 0;
    }

    void close() throws IOException {
      socket.close();
    }

    private String line() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b; (b = in.read()) != '\n'; ) {
        if (b < 0) {
          throw new EOFException("client closed inside a request");
        }
        line.write(b);
      }
      String s = line.toString(StandardCharsets.ISO_8859_1);
      return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
  }
}
