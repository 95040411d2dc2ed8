package dev.gale.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An image tarball as {@code jib:buildTar} writes it ({@code docker save} layout: {@code
 * manifest.json}, the config blob, one gzipped tar per layer), unpacked into a root file system the
 * way a container runtime would: layers in order, whiteouts applied.
 *
 * @param config the image config ({@code config.Entrypoint}, {@code .Cmd}, {@code .Env}, {@code
 *     .User}, {@code .WorkingDir})
 * @param layers the layer files, base first
 */
record ImageLayout(JsonNode config, List<Path> layers) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Extracts the outer tarball into {@code dir} and reads its manifest and config. */
  static ImageLayout open(Path imageTar, Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    run(List.of("tar", "-xf", imageTar.toString(), "-C", dir.toString()));
    JsonNode manifest = JSON.readTree(dir.resolve("manifest.json").toFile()).get(0);
    JsonNode config = JSON.readTree(dir.resolve(manifest.path("Config").asText()).toFile());
    List<Path> layers = new ArrayList<>();
    manifest.path("Layers").forEach(l -> layers.add(dir.resolve(l.asText())));
    return new ImageLayout(config, List.copyOf(layers));
  }

  /** The entrypoint followed by the default arguments. */
  List<String> entrypoint() {
    List<String> argv = new ArrayList<>();
    config.path("config").path("Entrypoint").forEach(a -> argv.add(a.asText()));
    return argv;
  }

  List<String> defaultArgs() {
    List<String> argv = new ArrayList<>();
    config.path("config").path("Cmd").forEach(a -> argv.add(a.asText()));
    return argv;
  }

  List<String> env() {
    List<String> env = new ArrayList<>();
    config.path("config").path("Env").forEach(e -> env.add(e.asText()));
    return env;
  }

  String user() {
    return config.path("config").path("User").asText();
  }

  String workingDir() {
    return config.path("config").path("WorkingDir").asText("/");
  }

  /**
   * Unpacks the layers into {@code root}, base first: an entry {@code .wh.NAME} deletes NAME from
   * the layers below, {@code .wh..wh..opq} empties its directory, as in the OCI layer format.
   */
  void unpack(Path root) throws IOException, InterruptedException {
    Files.createDirectories(root);
    for (Path layer : layers) {
      for (String entry : run(List.of("tar", "-tzf", layer.toString())).lines().toList()) {
        String clean = entry.startsWith("./") ? entry.substring(2) : entry;
        int slash = clean.lastIndexOf('/', clean.length() - 2);
        String dir = slash < 0 ? "" : clean.substring(0, slash + 1);
        String base = clean.substring(slash + 1);
        if (base.equals(".wh..wh..opq")) {
          Path d = root.resolve(dir).normalize();
          if (Files.isDirectory(d) && d.startsWith(root)) {
            run(
                List.of(
                    "find",
                    d.toString(),
                    "-mindepth",
                    "1",
                    "-maxdepth",
                    "1",
                    "-exec",
                    "rm",
                    "-rf",
                    "--one-file-system",
                    "{}",
                    "+"));
          }
        } else if (base.startsWith(".wh.")) {
          Path gone = root.resolve(dir + base.substring(4)).normalize();
          if (gone.startsWith(root)) {
            run(List.of("rm", "-rf", "--one-file-system", gone.toString()));
          }
        }
      }
      run(
          List.of(
              "tar",
              "-xzf",
              layer.toString(),
              "-C",
              root.toString(),
              "--numeric-owner",
              "--same-permissions",
              "--exclude=.wh.*",
              "--exclude=*/.wh.*"));
    }
  }

  /** Runs a command, returns its stdout; fails with its output when it exits non-zero. */
  static String run(List<String> argv) throws IOException, InterruptedException {
    Path out = Files.createTempFile("gale-image-cmd", ".out");
    try {
      Process p =
          new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + argv);
      }
      String text = Files.readString(out);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(argv + " exited " + p.exitValue() + ":\n" + text);
      }
      return text;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
