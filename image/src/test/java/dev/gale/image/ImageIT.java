package dev.gale.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The image Jib built, unpacked into a root file system and run as a container runtime would run
 * it, in a chroot: its entrypoint, environment, working directory and user (10001) from the image
 * config, {@code /proc} mounted, the device nodes and {@code /etc/hosts} a runtime provides.
 * Network: the host's loopback.
 *
 * <p>Unpacking with owners and {@code chroot} need root: run as another user, the test is skipped
 * with a message, unless {@code CI=true}, where it fails instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern UP = Pattern.compile("Gale is up at (http://\\S+)");

  private Path work;
  private Path root;
  private ImageLayout image;

  /** The modules Gale or its libraries load (jdeps of the jars, and the JDK's providers). */
  private static final List<String> REQUIRED_MODULES =
      List.of(
          "java.se",
          "java.net.http",
          "jdk.management",
          "jdk.unsupported",
          "jdk.net",
          "jdk.crypto.ec",
          "jdk.naming.dns",
          "jdk.zipfs");

  @BeforeAll
  void unpack() throws Exception {
    String user = System.getProperty("user.name");
    if (!"root".equals(user)) {
      String why =
          "ImageIT needs root (it unpacks the image with its owners and runs it in a chroot);"
              + " running as "
              + user;
      if ("true".equals(System.getenv("CI"))) {
        fail(why + " with CI=true: run the build as root");
      }
      Assumptions.abort(why + ": skipped (with CI=true this fails instead)");
    }
    Path tar = Path.of(System.getProperty("gale.image.tar", "target/gale-image.tar"));
    assertThat(tar).as("the image tarball from jib:buildTar").isRegularFile();
    // outside target/: nothing in the build may ever walk into a mounted /proc
    work = Files.createTempDirectory("gale-image-it");
    image = ImageLayout.open(tar, work.resolve("blobs"));
    root = work.resolve("rootfs");
    image.unpack(root);
    provideRuntimeFiles();
  }

  /** What a container runtime mounts into every container. */
  private void provideRuntimeFiles() throws Exception {
    Path dev = Files.createDirectories(root.resolve("dev"));
    String[][] nodes = {
      {"null", "1", "3"},
      {"zero", "1", "5"},
      {"full", "1", "7"},
      {"random", "1", "8"},
      {"urandom", "1", "9"}
    };
    for (String[] n : nodes) {
      ImageLayout.run(List.of("mknod", "-m", "666", dev.resolve(n[0]).toString(), "c", n[1], n[2]));
    }
    Files.createDirectories(dev.resolve("shm"));
    Files.copy(
        Path.of("/etc/hosts"),
        root.resolve("etc/hosts"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.createDirectories(root.resolve("proc"));
    ImageLayout.run(List.of("mount", "-t", "proc", "proc", root.resolve("proc").toString()));
  }

  @AfterAll
  void cleanUp() throws Exception {
    if (root == null) {
      return;
    }
    Path proc = root.resolve("proc");
    if (Files.readString(Path.of("/proc/mounts")).contains(" " + proc + " ")) {
      ImageLayout.run(List.of("umount", "-l", proc.toString()));
    }
    ImageLayout.run(List.of("rm", "-rf", "--one-file-system", work.toString()));
  }

  /** Runs the image's entrypoint with these arguments, as the image's user, in its environment. */
  private ProcessBuilder entrypoint(List<String> args) {
    List<String> command = new ArrayList<>(image.entrypoint());
    command.addAll(args);
    return inImage(command);
  }

  /** Runs a command in the image, as the image's user, in its environment. */
  private ProcessBuilder inImage(List<String> command) {
    List<String> argv = new ArrayList<>();
    argv.add("chroot");
    argv.add("--userspec=" + image.user());
    argv.add(root.toString());
    argv.add("/usr/bin/env");
    argv.add("-i");
    argv.add("--chdir=" + image.workingDir());
    argv.addAll(image.env());
    argv.addAll(command);
    return new ProcessBuilder(argv).redirectErrorStream(true);
  }

  private Result run(List<String> args) throws Exception {
    return result(entrypoint(args).start());
  }

  private Result runInImage(String... command) throws Exception {
    return result(inImage(List.of(command)).start());
  }

  private static Result result(Process p) throws Exception {
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new Result(p.exitValue(), out);
  }

  record Result(int exitCode, String output) {}

  @Test
  void imageRunsTheGaleLauncherAsTheNonRootUser() throws IOException {
    assertThat(image.user()).isEqualTo("10001:10001");
    assertThat(image.entrypoint()).containsExactly("/opt/gale/gale");
    assertThat(image.env()).contains("GALE_NO_BUILD=1", "GALE_HOME=/var/lib/gale");
    assertThat(image.env()).anyMatch(e -> e.startsWith("JAVA_HOME=/usr/lib/jvm/"));
    Path launcher = root.resolve("opt/gale/gale");
    assertThat(Files.getPosixFilePermissions(launcher))
        .contains(PosixFilePermission.OTHERS_EXECUTE);
    assertThat(root.resolve("opt/gale/cli/target/gale-cli-0.1.0-SNAPSHOT.jar")).isRegularFile();
    // the same class path as the build's own launcher layout (cli/target/lib)
    assertThat(fileNames(root.resolve("opt/gale/cli/target/lib")))
        .containsExactlyInAnyOrderElementsOf(
            fileNames(Path.of(System.getProperty("gale.cli.lib", "../cli/target/lib"))))
        .anyMatch(n -> n.startsWith("gale-gateway-"))
        .anyMatch(n -> n.startsWith("hazelcast-"));
    assertThat(Files.readString(root.resolve("etc/passwd")))
        .contains("gale:x:10001:10001::/var/lib/gale:/usr/sbin/nologin");
    assertThat(Files.getOwner(root.resolve("var/lib/gale")).getName()).isIn("gale", "10001");
    assertThat(root.resolve("etc/ssl/certs/ca-certificates.crt")).isNotEmptyFile();
    // the image's files belong to root: the application cannot be modified by its own user
    assertThat(Files.getOwner(launcher).getName()).isIn("root", "0");
  }

  @ParameterizedTest(name = "gale {0} --help")
  @CsvSource({
    "gateway, Run a gateway connected to a scheduler cluster until stopped.",
    "scheduler, Run a scheduler cluster member (Hazelcast) until stopped.",
    "worker, Run a node agent that serves one pool until stopped.",
    "up, Start the embedded default"
  })
  void everyRoleStartsFromTheEntrypoint(String role, String description) throws Exception {
    Result r = run(List.of(role, "--help"));
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains(description);
  }

  @Test
  void javaIsTheImagesOwnRuntime() throws Exception {
    Result r = run(List.of("--version"));
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("0.1.0-SNAPSHOT");
  }

  @Test
  void runtimeHasTheModulesGaleNeedsAndAUsableClassDataSharingArchive() throws Exception {
    String javaHome =
        image.env().stream()
            .filter(e -> e.startsWith("JAVA_HOME="))
            .map(e -> e.substring("JAVA_HOME=".length()))
            .findFirst()
            .orElseThrow();
    // -Xshare:on fails instead of starting without CDS when the archive does not fit the runtime
    Result version = runInImage(javaHome + "/bin/java", "-Xshare:on", "-version");
    assertThat(version.exitCode()).as(version.output()).isZero();
    assertThat(version.output()).contains("version \"17").contains("sharing");
    Result modules = runInImage(javaHome + "/bin/java", "--list-modules");
    assertThat(modules.exitCode()).as(modules.output()).isZero();
    List<String> names = modules.output().lines().map(l -> l.replaceFirst("@.*", "")).toList();
    assertThat(names).containsAll(REQUIRED_MODULES);
  }

  @Test
  void userlandHasAShellAndItsTools() throws Exception {
    Result r =
        runInImage("/bin/sh", "-c", "echo $(id -un):$(id -u) in $(pwd); ls /opt/gale | wc -l");
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).startsWith("gale:10001 in /var/lib/gale");
  }

  @Test
  void embeddedDefaultServesHealthzAndRunsATaskOnItsWorker() throws Exception {
    Process up = entrypoint(List.of("up", "--port", "0", "--workers", "1", "--slots", "1")).start();
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Thread reader = new Thread(() -> collect(up, lines), "gale-up-output");
    reader.setDaemon(true);
    reader.start();
    try {
      String url =
          await("Gale is up")
              .atMost(Duration.ofMinutes(3))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> upUrl(lines, up), u -> u != null);
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(URI.create(url + "/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(health.body()).path("status").asText()).isEqualTo("ok");

      // the admin token `up` wrote into GALE_HOME, inside the image
      String token = Files.readString(root.resolve("var/lib/gale/token")).trim();
      JsonNode function =
          post(
              http,
              url + "/v1/functions",
              token,
              "{\"name\": \"echo\", \"kind\": \"java\","
                  + " \"spec\": {\"class\": \"dev.gale.function.builtin.Echo\"}}");
      JsonNode task =
          post(
              http,
              url + "/v1/functions/" + function.path("id").asText() + "/invoke",
              token,
              "{\"args\": {\"from\": \"the image\"}, \"wait\": 60}");
      assertThat(task.path("state").asText()).as(task.toString()).isEqualTo("succeeded");
      assertThat(task.path("result").path("from").asText()).isEqualTo("the image");

      // a shell task runs a program of the image's userland, as the image's user
      JsonNode shell =
          invoke(
              http,
              url,
              token,
              "{\"name\": \"who\", \"kind\": \"shell\", \"retries\": 0,"
                  + " \"spec\": {\"command\": [\"id\", \"-un\"]}}",
              "{}");
      assertThat(shell.path("state").asText()).as(shell.toString()).isEqualTo("succeeded");
      assertThat(shell.path("result").path("exitCode").asInt()).isZero();
      assertThat(shell.path("result").path("stdout").asText().trim()).isEqualTo("gale");

      // no python3 in the image: python functions need a derived image, and say so
      JsonNode python =
          invoke(
              http,
              url,
              token,
              "{\"name\": \"py\", \"kind\": \"python\", \"retries\": 0,"
                  + " \"spec\": {\"source\": \"def f():\\n  return 1\\n\","
                  + " \"entrypoint\": \"f\"}}",
              "{}");
      assertThat(python.path("state").asText()).as(python.toString()).isEqualTo("failed");
      assertThat(python.path("error").path("code").asText()).isEqualTo("runtime_unavailable");
    } finally {
      up.destroy();
      boolean exited = up.waitFor(90, TimeUnit.SECONDS);
      if (!exited) {
        up.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      assertThat(exited).as("gale up stops on SIGTERM:\n" + String.join("\n", lines)).isTrue();
      assertThat(up.exitValue()).as(String.join("\n", lines)).isZero();
    }
  }

  /** Registers a function and invokes it, waiting for the finished task. */
  private static JsonNode invoke(
      HttpClient http, String url, String token, String function, String args) throws Exception {
    String id = post(http, url + "/v1/functions", token, function).path("id").asText();
    return post(
        http,
        url + "/v1/functions/" + id + "/invoke",
        token,
        "{\"args\": " + args + ", \"wait\": 60}");
  }

  private static List<String> fileNames(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static String upUrl(List<String> lines, Process up) {
    synchronized (lines) {
      for (String line : lines) {
        Matcher m = UP.matcher(line);
        if (m.find()) {
          return m.group(1);
        }
      }
    }
    if (!up.isAlive()) {
      throw new IllegalStateException(
          "gale up exited " + up.exitValue() + ":\n" + String.join("\n", lines));
    }
    return null;
  }

  private static void collect(Process p, List<String> lines) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
      }
    } catch (IOException e) {
      lines.add("(output ended: " + e.getMessage() + ")");
    }
  }

  private static JsonNode post(HttpClient http, String url, String token, String body)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(90))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + " -> " + r.body()).isBetween(200, 202);
    return JSON.readTree(r.body());
  }
}
