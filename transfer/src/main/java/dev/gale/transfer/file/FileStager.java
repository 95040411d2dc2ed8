package dev.gale.transfer.file;

import dev.gale.transfer.Stagers;
import dev.gale.transfer.StagingException;
import dev.gale.transfer.StagingException.Reason;
import dev.gale.transfer.spi.ListedObject;
import dev.gale.transfer.spi.ObjectInfo;
import dev.gale.transfer.spi.Stager;
import dev.gale.transfer.spi.StagingFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code file://} URLs on local and shared file systems, confined to a list of allowed roots: a URL
 * whose normalised path (after resolving symbolic links where they exist) leaves every root is
 * refused. Copies go through a hidden part file beside the destination that is moved into place
 * when complete, so that no reader sees a half-copied file; they stop at the next buffer when the
 * thread is interrupted. The version of a file is its modification time and size.
 */
public final class FileStager implements Stager {
  private static final int BUFFER_BYTES = 256 * 1024;
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
    requireRegularFile(from, source);
    return copy(from, target, source, "read");
  }

  @Override
  public long stageOut(Path source, URI destination) {
    Path to = allowed(destination);
    StagingFiles.sizeOfSource(source, Stagers.redact(destination));
    return copy(source, to, destination, "write");
  }

  @Override
  public ObjectInfo stat(URI url) {
    Path p = allowed(url);
    BasicFileAttributes a = requireRegularFile(p, url);
    return new ObjectInfo(a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS) + "-" + a.size());
  }

  @Override
  public boolean supportsListing() {
    return true;
  }

  /** Regular files below a directory; symbolic links are not followed (nor listed). */
  @Override
  public List<ListedObject> list(URI prefix) {
    Path dir = allowed(prefix);
    if (!Files.exists(dir)) {
      throw new StagingException(
          Reason.NOT_FOUND, "no directory " + Stagers.redact(prefix), false, null);
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new StagingException(
          Reason.INVALID, "not a directory: " + Stagers.redact(prefix), false, null);
    }
    List<ListedObject> found = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .filter(p -> !isPartFile(p))
          .forEach(
              p -> {
                String rel =
                    dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                found.add(new ListedObject(rel, p.toUri(), sizeOrUnknown(p)));
              });
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new StagingException("cannot list " + Stagers.redact(prefix) + ": " + e, true, e);
    }
    found.sort(Comparator.comparing(ListedObject::relativePath));
    return found;
  }

  private static boolean isPartFile(Path p) {
    String name = p.getFileName().toString();
    return name.startsWith(".") && name.endsWith(".part");
  }

  private static long sizeOrUnknown(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }

  private static long copy(Path from, Path to, URI url, String verb) {
    Path part = null;
    try {
      part = StagingFiles.newPartFile(to);
      long size = 0;
      byte[] buffer = new byte[BUFFER_BYTES];
      try (InputStream in = Files.newInputStream(from);
          OutputStream out = Files.newOutputStream(part)) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException();
          }
          out.write(buffer, 0, n);
          size += n;
        }
      }
      StagingFiles.commit(part, to);
      part = null;
      return size;
    } catch (InterruptedIOException | ClosedByInterruptException e) {
      throw new StagingException(
          Reason.CANCELLED, "copying " + Stagers.redact(url) + " was interrupted", true, e);
    } catch (NoSuchFileException e) {
      throw new StagingException(
          Reason.NOT_FOUND, "cannot " + verb + " " + Stagers.redact(url) + ": " + e, false, e);
    } catch (IOException e) {
      throw new StagingException("cannot " + verb + " " + Stagers.redact(url) + ": " + e, false, e);
    } finally {
      StagingFiles.discard(part);
    }
  }

  private static BasicFileAttributes requireRegularFile(Path p, URI url) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(p, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new StagingException(
          Reason.NOT_FOUND, "no such file: " + Stagers.redact(url), false, null);
    } catch (IOException e) {
      throw new StagingException("cannot read " + Stagers.redact(url) + ": " + e, false, e);
    }
    if (!a.isRegularFile()) {
      throw new StagingException(
          Reason.INVALID, "not a regular file: " + Stagers.redact(url), false, null);
    }
    return a;
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
    } catch (IllegalArgumentException | IOException | java.nio.file.FileSystemNotFoundException e) {
      throw new StagingException(
          Reason.INVALID, "not a usable file URL: " + Stagers.redact(url), false, null);
    }
    for (Path root : roots) {
      if (p.startsWith(root)) {
        return p;
      }
    }
    throw new StagingException(
        Reason.INVALID,
        "path " + p + " of " + Stagers.redact(url) + " is outside the allowed roots " + roots,
        false,
        null);
  }
}
