package dev.gale.transfer;

import dev.gale.transfer.spi.Stager;
import java.net.URI;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Chooses a {@link Stager} by URL scheme; an unknown scheme fails naming the known ones. Closing
 * the registry closes the stagers that hold resources (those that are {@link AutoCloseable}).
 */
public final class Stagers implements AutoCloseable {
  private final Map<String, Stager> byScheme = new TreeMap<>();

  /** A registry of the given stagers; a scheme served twice is a configuration error. */
  public Stagers(Collection<? extends Stager> stagers) {
    for (Stager s : stagers) {
      for (String scheme : s.schemes()) {
        Stager previous = byScheme.putIfAbsent(scheme.toLowerCase(Locale.ROOT), s);
        if (previous != null) {
          throw new IllegalArgumentException(
              "scheme '"
                  + scheme
                  + "' is served by both "
                  + previous.getClass().getName()
                  + " and "
                  + s.getClass().getName());
        }
      }
    }
  }

  /**
   * The stager for a URL.
   *
   * @throws StagingException when the URL has no scheme or an unknown one
   */
  public Stager forUrl(URI url) {
    String scheme = url.getScheme();
    Stager s = scheme == null ? null : byScheme.get(scheme.toLowerCase(Locale.ROOT));
    if (s == null) {
      throw new StagingException(
          "no stager for URL scheme '"
              + scheme
              + "' in "
              + redact(url)
              + " (known: "
              + String.join(", ", byScheme.keySet())
              + ")",
          false,
          null);
    }
    return s;
  }

  /**
   * Closes each registered stager that is {@link AutoCloseable}, once, even when one of them fails;
   * the first failure is thrown after all were tried.
   */
  @Override
  public void close() {
    RuntimeException first = null;
    Set<Stager> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
    distinct.addAll(byScheme.values());
    for (Stager s : distinct) {
      if (s instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          if (first == null) {
            first = new IllegalStateException("closing " + s.getClass().getName() + " failed", e);
          } else {
            first.addSuppressed(e);
          }
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * The URL without user info, query or fragment, safe for logs and errors, and still a valid URL
   * (the path stays percent-encoded). An authority that is not a host name (such as an S3 bucket
   * with {@code _}) is kept, less any user info.
   */
  public static String redact(URI url) {
    String host = url.getHost();
    String port = url.getPort() < 0 ? "" : ":" + url.getPort();
    if (host == null) {
      String authority = url.getRawAuthority();
      host = authority == null ? "" : authority.substring(authority.lastIndexOf('@') + 1);
    }
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    return url.getScheme() + "://" + host + port + path;
  }
}
