package dev.gale.transfer.staging;

import dev.gale.transfer.StagingException;
import dev.gale.transfer.StagingException.Reason;
import dev.gale.transfer.spi.StagingFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A per-node cache of staged inputs in one directory, keyed by URL and version.
 *
 * <p>The key is the SHA-256 of the whole URL (user info and query included, fragment left out) with
 * the SHA-256 of the object's version: a changed object, other credentials or another presigned
 * query are other entries, and no URL or credential appears in a file name. The caller asks the
 * store for the version first with the task's own URL, so a task that may not read an object never
 * gets it from the cache.
 *
 * <p>Concurrent requests for one key download once. Entries are copied (not linked) into task
 * directories, so that a task writing to its input cannot change the cache. When the cache grows
 * beyond its size, the least recently used entries that no task is copying are deleted. Entries
 * left by an earlier run are reused. Thread-safe.
 */
final class StagingCache {
  private static final Logger log = LoggerFactory.getLogger(StagingCache.class);

  /** Fills a cache file; returns its size. */
  @FunctionalInterface
  interface Download {
    long into(Path file);
  }

  private static final class Entry {
    final long size;
    long lastUsed;
    int pins;

    Entry(long size, long lastUsed) {
      this.size = size;
      this.lastUsed = lastUsed;
    }
  }

  private final Path dir;
  private final long maxBytes;
  private final Map<String, Entry> entries = new HashMap<>();
  private final Map<String, CompletableFuture<Void>> downloading = new HashMap<>();
  private long total;
  private long clock;
  private boolean loaded;

  StagingCache(Path dir, long maxBytes) {
    this.dir = dir.toAbsolutePath().normalize();
    this.maxBytes = maxBytes;
  }

  /** The cache key of a URL and version. */
  static String key(URI url, String version) {
    String withoutFragment = url.toString();
    int hash = withoutFragment.indexOf('#');
    if (hash >= 0) {
      withoutFragment = withoutFragment.substring(0, hash);
    }
    return sha256(withoutFragment).substring(0, 40) + "-" + sha256(version).substring(0, 16);
  }

  /**
   * Copies the entry for {@code key} into {@code target}, downloading it first when it is absent.
   *
   * @return true when the entry was already there (a hit)
   */
  boolean copyInto(String key, Path target, Download download) {
    load();
    boolean hit = false;
    boolean mine = false;
    while (true) {
      CompletableFuture<Void> wait;
      synchronized (this) {
        Entry e = entries.get(key);
        if (e != null) {
          e.pins++;
          e.lastUsed = ++clock;
          hit = true;
          break;
        }
        wait = downloading.get(key);
        if (wait == null) {
          downloading.put(key, new CompletableFuture<>());
          mine = true;
        }
      }
      if (mine) {
        fill(key, download); // adds the entry pinned
        break;
      }
      awaitOther(wait); // another task is fetching it: then take it from the cache
    }
    try {
      copy(dir.resolve(key), target);
      return hit;
    } finally {
      synchronized (this) {
        Entry e = entries.get(key);
        if (e != null) {
          e.pins--;
        }
        evict();
      }
    }
  }

  /** Bytes held now. */
  synchronized long size() {
    return total;
  }

  private void fill(String key, Download download) {
    CompletableFuture<Void> done;
    synchronized (this) {
      done = downloading.get(key);
    }
    try {
      long size = download.into(dir.resolve(key));
      synchronized (this) {
        Entry added = new Entry(size, ++clock);
        added.pins = 1;
        entries.put(key, added);
        total += size;
        downloading.remove(key);
      }
      done.complete(null);
    } catch (RuntimeException e) {
      synchronized (this) {
        downloading.remove(key);
      }
      done.completeExceptionally(e);
      throw e;
    }
  }

  private static void awaitOther(CompletableFuture<Void> other) {
    try {
      other.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StagingException(
          Reason.CANCELLED, "waiting for a cached input was interrupted", true, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StagingException se) {
        throw se;
      }
      throw new StagingException(
          "the download of a cached input failed: " + e.getCause(), true, e.getCause());
    }
  }

  private static void copy(Path from, Path to) {
    Path part = null;
    try {
      part = StagingFiles.newPartFile(to);
      Files.copy(from, part, StandardCopyOption.REPLACE_EXISTING);
      StagingFiles.commit(part, to);
      part = null;
    } catch (IOException e) {
      throw new StagingException("cannot copy a cached input to " + to + ": " + e, false, e);
    } finally {
      StagingFiles.discard(part);
    }
  }

  // deletes least recently used, unpinned entries until the cache fits; called holding the lock
  private void evict() {
    if (total <= maxBytes) {
      return;
    }
    var victims =
        entries.entrySet().stream()
            .filter(e -> e.getValue().pins == 0)
            .sorted(Comparator.comparingLong(e -> e.getValue().lastUsed))
            .map(Map.Entry::getKey)
            .toList();
    for (String key : victims) {
      if (total <= maxBytes) {
        return;
      }
      Entry e = entries.remove(key);
      total -= e.size;
      try {
        Files.deleteIfExists(dir.resolve(key));
      } catch (IOException ex) {
        log.warn("cannot delete cache entry {}: {}", key, ex.toString());
      }
    }
  }

  // indexes what an earlier run left (oldest first) and deletes its part files; once
  private synchronized void load() {
    if (loaded) {
      return;
    }
    loaded = true;
    try {
      Files.createDirectories(dir);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f :
            files
                .filter(Files::isRegularFile)
                .sorted(Comparator.comparing(StagingCache::modified))
                .toList()) {
          String name = f.getFileName().toString();
          if (name.startsWith(".") && name.endsWith(".part")) {
            Files.deleteIfExists(f);
          } else {
            long size = Files.size(f);
            entries.put(name, new Entry(size, ++clock));
            total += size;
          }
        }
      }
      evict();
    } catch (IOException e) {
      throw new StagingException("cannot use the staging cache " + dir + ": " + e, false, e);
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
