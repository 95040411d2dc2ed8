package dev.gale.scheduler.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A throw-away PostgreSQL server for tests, from the machine's Debian packages: {@code initdb} on a
 * temporary directory, {@code pg_ctl start} on a free port of 127.0.0.1 with trust authentication
 * for user {@code gale}, and a database {@code gale}. PostgreSQL refuses to run as root, so as root
 * the server runs as the {@code postgres} user (through {@code runuser}).
 *
 * <p>{@link #startOrSkip()} skips the calling test when PostgreSQL is not installed, unless the
 * environment variable {@code CI} is {@code true}, where it fails. {@link #stop()} and {@link
 * #start()} stop and restart the same server on the same port and data (to test a database that
 * goes away); {@link #close()} stops it and deletes its directory.
 *
 * <pre>{@code
 * try (PostgresServer pg = PostgresServer.startOrSkip()) {
 *   StoreOptions.postgresql(pg.jdbcUrl(), pg.user(), null);
 * }
 * }</pre>
 */
public final class PostgresServer implements AutoCloseable {
  private static final Path INSTALL_ROOT = Path.of("/usr/lib/postgresql");
  private static final String USER = "gale";
  private static final String DATABASE = "gale";

  private final Path bin;
  private final Path dir;
  private final boolean asPostgresUser;
  private final int port;
  private boolean running;
  private int databases;

  private PostgresServer(Path bin, Path dir, boolean asPostgresUser, int port) {
    this.bin = bin;
    this.dir = dir;
    this.asPostgresUser = asPostgresUser;
    this.port = port;
  }

  /**
   * Starts a server, or skips the current test (JUnit assumption) when PostgreSQL is not installed
   * and {@code CI} is not {@code true}.
   */
  public static PostgresServer startOrSkip() {
    if (findBin() == null && !"true".equals(System.getenv("CI"))) {
      Assumptions.abort(notInstalled());
    }
    return startNew();
  }

  /**
   * Starts a server.
   *
   * @throws IllegalStateException when PostgreSQL is not installed or does not start, with its
   *     output
   */
  public static PostgresServer startNew() {
    Path bin = findBin();
    if (bin == null) {
      throw new IllegalStateException(notInstalled());
    }
    try {
      boolean root = isRoot();
      Path dir = Files.createTempDirectory("gale-pg-");
      if (root) {
        UserPrincipal postgres =
            dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
        Files.setOwner(dir, postgres);
      }
      PostgresServer pg = new PostgresServer(bin, dir, root, freePort());
      try {
        pg.run(
            "initdb",
            List.of(
                "-N",
                "-D",
                pg.data().toString(),
                "-A",
                "trust",
                "-U",
                USER,
                "--locale=C",
                "-E",
                "UTF8"));
        pg.start();
        pg.createDatabase();
      } catch (RuntimeException e) {
        pg.close();
        throw e;
      }
      return pg;
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare a PostgreSQL directory: " + e, e);
    }
  }

  private static String notInstalled() {
    return "PostgreSQL is not installed (no "
        + INSTALL_ROOT
        + "/*/bin/initdb); install it with: apt-get install -y --no-install-recommends postgresql";
  }

  /** The newest installed {@code /usr/lib/postgresql/<version>/bin}, or null. */
  static Path findBin() {
    if (!Files.isDirectory(INSTALL_ROOT)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(INSTALL_ROOT)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(
              b ->
                  Files.isExecutable(b.resolve("initdb"))
                      && Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparing(PostgresServer::majorVersion))
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static boolean isRoot() throws IOException {
    return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private Path data() {
    return dir.resolve("data");
  }

  /** Starts the (stopped) server again on the same port and data. */
  public synchronized void start() {
    if (running) {
      return;
    }
    run(
        "pg_ctl",
        List.of(
            "-D",
            data().toString(),
            "-o",
            "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1",
            "-l",
            dir.resolve("log").toString(),
            "-w",
            "start"));
    running = true;
  }

  /** Stops the server ({@code pg_ctl -m fast stop}); the data stays for {@link #start()}. */
  public synchronized void stop() {
    if (!running) {
      return;
    }
    run("pg_ctl", List.of("-D", data().toString(), "-m", "fast", "-w", "stop"));
    running = false;
  }

  private void createDatabase() {
    createDatabase(DATABASE);
  }

  private void createDatabase(String name) {
    Properties p = new Properties();
    p.setProperty("user", USER);
    try (Connection c =
            DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e, e);
    }
  }

  /** The JDBC URL of database {@code gale}. */
  public String jdbcUrl() {
    return jdbcUrl(DATABASE);
  }

  private String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** Creates another empty database ({@code gale_1}, {@code gale_2}, ...) and returns its URL. */
  public synchronized String newDatabase() {
    String name = DATABASE + "_" + (++databases);
    createDatabase(name);
    return jdbcUrl(name);
  }

  /** The user to connect as (trusted: no password). */
  public String user() {
    return USER;
  }

  /** The port the server listens on, on 127.0.0.1. */
  public int port() {
    return port;
  }

  private void run(String tool, List<String> args) {
    List<String> cmd = new ArrayList<>();
    if (asPostgresUser) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.add(bin.resolve(tool).toString());
    cmd.addAll(args);
    try {
      Process p =
          new ProcessBuilder(cmd)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " did not finish in 60 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", cmd)
                + " exited with "
                + p.exitValue()
                + ": "
                + new String(out, StandardCharsets.UTF_8).strip()
                + logTail());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", cmd) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + tool, e);
    }
  }

  private String logTail() {
    Path log = dir.resolve("log");
    try {
      if (Files.exists(log)) {
        List<String> lines = Files.readAllLines(log);
        return "\nserver log:\n"
            + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
      }
    } catch (IOException e) {
      // the log is only a help for the message
    }
    return "";
  }

  /** Stops the server and deletes its directory. Idempotent. */
  @Override
  public synchronized void close() {
    try {
      stop();
    } finally {
      deleteTree(dir);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temp directory left behind is not worth failing a test for
    }
  }
}
