package dev.gale.transfer.file;

import dev.gale.transfer.Stagers;
import dev.gale.transfer.StagingException;
import dev.gale.transfer.spi.Stager;
import dev.gale.transfer.spi.StagingFiles;
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
 * refused. Copies go through a hidden part file beside the destination that is moved into place
 * when complete, so that no reader sees a half-copied file.
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
    Path part = null;
    try {
      part = StagingFiles.newPartFile(target);
      Files.copy(from, part, StandardCopyOption.REPLACE_EXISTING);
      long size = Files.size(part);
      StagingFiles.commit(part, target);
      part = null;
      return size;
    } catch (IOException e) {
      throw new StagingException("cannot read " + Stagers.redact(source) + ": " + e, false, e);
    } finally {
      StagingFiles.discard(part);
    }
  }

  @Override
  public long stageOut(Path source, URI destination) {
    Path to = allowed(destination);
    Path part = null;
    try {
      part = StagingFiles.newPartFile(to);
      Files.copy(source, part, StandardCopyOption.REPLACE_EXISTING);
      long size = Files.size(part);
      StagingFiles.commit(part, to);
      part = null;
      return size;
    } catch (IOException e) {
      throw new StagingException(
          "cannot write " + Stagers.redact(destination) + ": " + e, false, e);
    } finally {
      StagingFiles.discard(part);
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
      throw new StagingException("not a usable file URL: " + Stagers.redact(url), false, e);
    }
    for (Path root : roots) {
      if (p.startsWith(root)) {
        return p;
      }
    }
    throw new StagingException("path " + p + " is outside the allowed roots " + roots, false, null);
  }
}
