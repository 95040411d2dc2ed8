package dev.gale.transfer;

import dev.gale.transfer.spi.Stager;
import java.net.URI;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Chooses a {@link Stager} by URL scheme; an unknown scheme fails naming the known ones. */
public final class Stagers {
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

  /** The URL without user info or query, safe for logs and errors. */
  public static String redact(URI url) {
    String host = url.getHost() == null ? "" : url.getHost();
    String port = url.getPort() < 0 ? "" : ":" + url.getPort();
    String path = url.getPath() == null ? "" : url.getPath();
    return url.getScheme() + "://" + host + port + path;
  }
}
