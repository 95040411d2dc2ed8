package dev.gale.transfer.bench;

import com.sun.net.httpserver.HttpServer;
import dev.gale.transfer.http.HttpStager;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * HTTP staging through {@link HttpStager} against {@code curl} on loopback: both download the same
 * file from the same server (the JDK's HTTP server, serving it from the page cache) to the same
 * directory.
 *
 * <p>Run by hand: {@code java -cp CLASSPATH dev.gale.transfer.bench.HttpStagingBench [MiB=256]
 * [runs=5]}; see BENCHMARKS.md.
 */
public final class HttpStagingBench {
  private HttpStagingBench() {}

  public static void main(String[] args) throws Exception {
    long bytes = (args.length > 0 ? Long.parseLong(args[0]) : 256) * Bench.MIB;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path dir = Files.createTempDirectory("gale-http-bench");
    Path file = Bench.randomFile(dir, bytes);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext(
        "/",
        exchange -> {
          exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
          exchange.sendResponseHeaders(200, bytes);
          try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
              OutputStream os = exchange.getResponseBody();
              WritableByteChannel out = Channels.newChannel(os)) {
            for (long pos = 0; pos < bytes; ) {
              pos += in.transferTo(pos, bytes - pos, out);
            }
          }
        });
    server.start();
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/file.bin");
    Path target = dir.resolve("target.bin");
    try (HttpStager stager = new HttpStager()) {
      Bench.Run viaStager =
          () -> {
            Files.deleteIfExists(target);
            stager.stageIn(url, target);
          };
      Bench.Run viaCurl =
          () -> {
            Files.deleteIfExists(target);
            Process p =
                new ProcessBuilder("curl", "-s", "-f", "-o", target.toString(), url.toString())
                    .inheritIO()
                    .start();
            if (p.waitFor() != 0 || Files.size(target) != bytes) {
              throw new IllegalStateException("curl failed: " + p.exitValue());
            }
          };
      viaStager.run();
      viaCurl.run();
      List<Double> s = new ArrayList<>();
      List<Double> c = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        s.add(Bench.time(viaStager));
        c.add(Bench.time(viaCurl));
      }
      System.out.printf("HTTP %d MiB over loopback, %d runs%n", bytes / Bench.MIB, runs);
      System.out.println(Bench.summary("HttpStager.stageIn", bytes, s));
      System.out.println(Bench.summary("curl -o", bytes, c));
      System.out.printf("stager/curl: %.0f %%%n", 100 * Bench.median(c) / Bench.median(s));
    } finally {
      server.stop(0);
      Files.deleteIfExists(target);
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
      System.exit(0);
    }
  }
}
