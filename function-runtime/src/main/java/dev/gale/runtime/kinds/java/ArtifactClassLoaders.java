package dev.gale.runtime.kinds.java;

import dev.gale.api.InvalidRequestException;
import dev.gale.runtime.spi.ArtifactSource;
import dev.gale.runtime.spi.ErrorCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * One class loader per uploaded JAR, by digest. A JAR is fetched once, verified against its digest,
 * cached under {@code <workDir>/artifacts/<hex>.jar} (and reused from there after a restart when it
 * still verifies), and loaded in its own {@link URLClassLoader} whose parent only exposes the
 * function API. Thread-safe; concurrent first uses of one digest fetch it once.
 */
final class ArtifactClassLoaders implements AutoCloseable {
  static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  static final Duration FETCH_TIMEOUT = Duration.ofMinutes(2);

  private final Path directory;
  private final ArtifactSource source;
  private final ClassLoader parent;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  ArtifactClassLoaders(Path directory, ArtifactSource source, ClassLoader parent) {
    this.directory = directory;
    this.source = source;
    this.parent = parent;
  }

  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock();
    volatile URLClassLoader loader;
  }

  /**
   * The loader of an artifact, fetching and verifying it on first use.
   *
   * @throws InvalidRequestException with code {@code invalid_function} when the gateway does not
   *     know the artifact or its bytes do not match the digest
   * @throws dev.gale.api.UnavailableException with code {@code artifact_unavailable} when it did
   *     not arrive in time
   * @throws InterruptedException when the attempt is cancelled meanwhile
   */
  ClassLoader loader(String digest) throws InterruptedException {
    Entry entry = entries.computeIfAbsent(digest, d -> new Entry());
    URLClassLoader loader = entry.loader;
    if (loader != null) {
      return loader;
    }
    entry.lock.lockInterruptibly();
    try {
      if (entry.loader == null) {
        Path jar = ensureJar(digest);
        String hex = digest.substring("sha256:".length());
        entry.loader =
            new URLClassLoader(
                "gale-artifact-" + hex.substring(0, 12), new URL[] {jar.toUri().toURL()}, parent);
      }
      return entry.loader;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot cache artifact " + digest + ": " + e.getMessage(), e);
    } finally {
      entry.lock.unlock();
    }
  }

  private Path ensureJar(String digest) throws IOException, InterruptedException {
    String hex = digest.substring("sha256:".length());
    Path jar = directory.resolve(hex + ".jar");
    if (Files.isRegularFile(jar) && hex.equals(sha256(jar))) {
      return jar;
    }
    byte[] bytes = source.fetch(digest, FETCH_TIMEOUT);
    String actual = sha256(bytes);
    if (!hex.equals(actual)) {
      throw new InvalidRequestException(
          ErrorCodes.INVALID_FUNCTION,
          "artifact " + digest + " arrived with a different digest (sha256:" + actual + ")",
          null);
    }
    Files.createDirectories(directory);
    Path tmp = Files.createTempFile(directory, hex, ".part");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return jar;
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(messageDigest().digest(bytes));
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest md = messageDigest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest messageDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public void close() {
    for (Entry entry : entries.values()) {
      URLClassLoader loader = entry.loader;
      if (loader != null) {
        try {
          loader.close();
        } catch (IOException e) {
          // the JAR file handle is released at exit anyway
        }
      }
    }
    entries.clear();
  }
}
