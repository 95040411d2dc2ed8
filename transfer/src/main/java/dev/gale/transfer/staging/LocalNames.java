package dev.gale.transfer.staging;

import dev.gale.transfer.StagingException;
import dev.gale.transfer.StagingException.Reason;
import dev.gale.transfer.Urls;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** Local file names for staged inputs: safe, unique within one task's working directory. */
final class LocalNames {
  private static final int MAX_NAME = 200;
  private final Set<String> taken = new HashSet<>();

  private LocalNames() {}

  /** A fresh set of names for one task. */
  static LocalNames forTask() {
    return new LocalNames();
  }

  /**
   * Reserves an explicit name.
   *
   * @throws StagingException with reason {@code INVALID} when another input has it already
   */
  String reserve(String name, String where) {
    if (!taken.add(name.toLowerCase(Locale.ROOT))) {
      throw new StagingException(
          Reason.INVALID,
          where + " names '" + name + "', which another input has already",
          false,
          null);
    }
    return name;
  }

  /** The URL's last path segment made safe, with {@code -2}, {@code -3} … added when taken. */
  String derive(URI url) {
    String base = sanitize(Urls.basename(url));
    String stem = base;
    String ext = "";
    int dot = base.lastIndexOf('.');
    if (dot > 0) {
      stem = base.substring(0, dot);
      ext = base.substring(dot);
    }
    String candidate = base;
    for (int n = 2; !taken.add(candidate.toLowerCase(Locale.ROOT)); n++) {
      candidate = stem + "-" + n + ext;
    }
    return candidate;
  }

  /**
   * A name as given, when it is one plain path segment.
   *
   * @throws StagingException with reason {@code INVALID} otherwise
   */
  static String requirePlain(String name, String where) {
    if (name.isEmpty()
        || name.equals(".")
        || name.equals("..")
        || name.length() > MAX_NAME
        || name.indexOf('/') >= 0
        || name.indexOf('\\') >= 0
        || name.indexOf('\0') >= 0) {
      throw new StagingException(
          Reason.INVALID, where + " must be a plain file name (no '/', not '..')", false, null);
    }
    return name;
  }

  /** Keeps letters, digits, {@code . _ -}; the rest becomes {@code _}. */
  static String sanitize(String raw) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < raw.length() && b.length() < MAX_NAME; i++) {
      char c = raw.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      b.append(ok ? c : '_');
    }
    String s = b.toString();
    while (s.startsWith(".")) {
      s = s.substring(1);
    }
    return s.isEmpty() ? "file" : s;
  }

  /**
   * {@code relative} resolved inside {@code dir}, refusing anything that leaves it.
   *
   * @throws StagingException with reason {@code INVALID} for an absolute path or one that climbs
   *     out
   */
  static Path inside(Path dir, String relative, String where) {
    Path rel;
    try {
      rel = Path.of(relative);
    } catch (java.nio.file.InvalidPathException e) {
      throw new StagingException(Reason.INVALID, where + " is not a valid path", false, null);
    }
    Path base = dir.toAbsolutePath().normalize();
    Path p = base.resolve(rel).normalize();
    if (rel.isAbsolute() || relative.isEmpty() || !p.startsWith(base) || p.equals(base)) {
      throw new StagingException(
          Reason.INVALID,
          where + " '" + relative + "' is outside the task's working directory",
          false,
          null);
    }
    return p;
  }
}
