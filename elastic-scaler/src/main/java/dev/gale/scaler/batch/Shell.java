package dev.gale.scaler.batch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Quoting for the POSIX shell, and files only their owner may read. */
public final class Shell {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private Shell() {}

  /** {@code s} as one shell word: in single quotes, each {@code '} written as {@code '\''}. */
  public static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** Each element quoted, separated by spaces. */
  public static String quote(List<String> argv) {
    return argv.stream().map(Shell::quote).collect(Collectors.joining(" "));
  }

  /**
   * A file that {@code .} can source: one {@code export NAME='value'} line per variable, sorted.
   *
   * @throws IllegalArgumentException for a name that is not a shell variable name
   */
  public static String exports(Map<String, String> env) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      if (!NAME.matcher(e.getKey()).matches()) {
        throw new IllegalArgumentException(
            "environment variable name '" + e.getKey() + "' is not a valid shell name");
      }
      sb.append("export ").append(e.getKey()).append('=').append(quote(e.getValue())).append('\n');
    }
    return sb.toString();
  }

  /**
   * Writes a new file that only its owner can read and write ({@code 0600} from its creation on,
   * never wider for a moment). Fails if the file exists.
   */
  public static void writePrivate(Path file, String content) throws IOException {
    try (SeekableByteChannel ch =
        Files.newByteChannel(
            file,
            java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      ByteBuffer b = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
  }

  /** Writes a new file that its owner can read, write and execute ({@code 0700}). */
  public static void writeExecutable(Path file, String content) throws IOException {
    writePrivate(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
  }
}
