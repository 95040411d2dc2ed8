package dev.gale.runtime.process;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** File-system and environment helpers shared by the kinds. */
public final class WorkDirs {
  private static final Logger LOG = LoggerFactory.getLogger(WorkDirs.class);

  private WorkDirs() {}

  /**
   * Deletes a directory tree, best effort: what cannot be deleted (a file a stray process still
   * writes) is logged and left behind. Never follows symbolic links.
   */
  public static void deleteTree(Path root) {
    try {
      // most attempts leave their directory empty: one rmdir, no walk
      Files.delete(root);
      return;
    } catch (NoSuchFileException e) {
      return;
    } catch (DirectoryNotEmptyException e) {
      // walk it below
    } catch (IOException e) {
      // a file (or a link) where the directory was, or no permission: the walk deals with it
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc)
                throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (NoSuchFileException e) {
      // already gone
    } catch (IOException e) {
      LOG.debug("could not delete {} completely: {}", root, e.toString());
    }
  }

  /**
   * Removes the agent's own settings ({@code GALE_*}, which may hold its worker token) from an
   * environment handed to user processes.
   */
  public static void scrubAgentVariables(Map<String, String> environment) {
    environment.keySet().removeIf(name -> name.startsWith("GALE_"));
  }

  /** A file-name-safe form of a task id (ids may contain any characters). */
  public static String safeName(String text) {
    StringBuilder sb = new StringBuilder(Math.min(text.length(), 80));
    for (int i = 0; i < text.length() && sb.length() < 80; i++) {
      char c = text.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_'
              || c == '.'
              || c == '@';
      sb.append(ok ? c : '_');
    }
    return sb.toString();
  }
}
