package dev.gale.scaler.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads fenced blocks between {@code <!-- NAME:begin -->} and {@code <!-- NAME:end -->} in docs.
 */
public final class Docs {
  private Docs() {}

  /** The text of {@code docs/FILE}, found from the working directory upwards. */
  public static String read(String file) throws IOException {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path f = d.resolve("docs").resolve(file);
      if (Files.isRegularFile(f)) {
        return Files.readString(f);
      }
    }
    throw new IllegalStateException(
        "docs/" + file + " not found above " + Path.of("").toAbsolutePath());
  }

  /**
   * Asserts that the code block {@code name} of {@code doc} is {@code actual}; when it is not,
   * writes {@code actual} to {@code target/docs/NAME.txt} to paste into the doc.
   */
  public static void assertBlock(String doc, String name, String actual) throws IOException {
    if (!block(doc, name).equals(actual)) {
      Path out = Path.of("target", "docs", name + ".txt").toAbsolutePath();
      Files.createDirectories(out.getParent());
      Files.writeString(out, actual);
      throw new AssertionError(
          "the doc's block " + name + " is out of date; what the code does is in " + out);
    }
  }

  /** The content of the fenced code block inside the marked section {@code name}. */
  public static String block(String doc, String name) {
    String begin = "<!-- " + name + ":begin -->";
    String end = "<!-- " + name + ":end -->";
    int b = doc.indexOf(begin);
    int e = doc.indexOf(end);
    if (b < 0 || e < b) {
      throw new IllegalStateException("no section " + name + " in the doc");
    }
    String section = doc.substring(b + begin.length(), e);
    int open = section.indexOf("```");
    int firstLine = section.indexOf('\n', open) + 1;
    int close = section.lastIndexOf("```");
    return section.substring(firstLine, close);
  }
}
