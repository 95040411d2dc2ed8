package dev.gale.transfer.file;

import dev.gale.transfer.StagingException;
import dev.gale.transfer.spi.Stager;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;

/**
 * {@code file://} URLs on local and shared file systems, confined to a list of allowed roots: a URL
 * whose normalised path (after resolving symbolic links where they exist) leaves every root is
 * refused.
 */
public final class FileStager implements Stager {
  private final List<Path> roots;

  /** A stager confined to {@code roots} (absolute paths). */
  public FileStager(List<Path> roots) {
    this.roots = roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
  }

  @Override
  public Set<String> schemes() {
    return Set.of("file");
  }

  @Override
  public long stageIn(URI source, Path target) {
    Path from = allowed(source);
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
      Files.copy(from, target, StandardCopyOption.REPLACE_EXISTING);
      return Files.size(target);
    } catch (IOException e) {
      throw new StagingException("cannot read " + source + ": " + e, false, e);
    }
  }

  @Override
  public long stageOut(Path source, URI destination) {
    Path to = allowed(destination);
    try {
      Files.createDirectories(to.getParent());
      Files.copy(source, to, StandardCopyOption.REPLACE_EXISTING);
      return Files.size(to);
    } catch (IOException e) {
      throw new StagingException("cannot write " + destination + ": " + e, false, e);
    }
  }

  private Path allowed(URI url) {
    Path p;
    try {
      p = Path.of(url).toAbsolutePath().normalize();
      Path existing = p;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing != null) {
        p = existing.toRealPath().resolve(existing.relativize(p)).normalize();
      }
    } catch (IllegalArgumentException | IOException e) {
      throw new StagingException("not a usable file URL: " + url, false, e);
    }
    for (Path root : roots) {
      if (p.startsWith(root)) {
        return p;
      }
    }
    throw new StagingException("path " + p + " is outside the allowed roots " + roots, false, null);
  }
}
