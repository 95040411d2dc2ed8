package dev.gale.transfer.globus;

import dev.gale.transfer.Stagers;
import dev.gale.transfer.StagingException;
import dev.gale.transfer.StagingException.Reason;
import java.net.URI;

/**
 * A {@code globus://<endpoint-id>/<path>} URL taken apart: the collection (endpoint) id and the
 * absolute path on it. User info in the URL is ignored (credentials come from the stager's options)
 * and never shown.
 *
 * @param endpoint the collection's id, usually a UUID
 * @param path the absolute path on the collection, starting with {@code /}
 */
record GlobusUrl(String endpoint, String path) {

  @Override
  public String toString() {
    return "globus://" + endpoint + path;
  }

  /** The URL form of this location. */
  URI toUri() {
    try {
      return new URI("globus", endpoint, path, null, null);
    } catch (java.net.URISyntaxException e) {
      throw invalid("cannot form a globus URL for " + this);
    }
  }

  /** The same collection, another path. */
  GlobusUrl withPath(String newPath) {
    return new GlobusUrl(endpoint, newPath);
  }

  /**
   * Parses a URL.
   *
   * @throws StagingException with reason {@code INVALID} when it is not {@code
   *     globus://endpoint/path}
   */
  static GlobusUrl of(URI url) {
    if (url.getScheme() == null || !url.getScheme().equalsIgnoreCase("globus")) {
      throw invalid("not a globus URL: " + Stagers.redact(url));
    }
    // a UUID that starts with a digit is not a host name to java.net.URI: use the authority
    String authority = url.getAuthority();
    String endpoint =
        authority == null ? null : authority.substring(authority.lastIndexOf('@') + 1);
    String path = url.getPath() == null ? "" : url.getPath();
    if (endpoint == null || endpoint.isBlank() || endpoint.contains(":")) {
      throw invalid(
          "a globus URL needs a collection id (globus://<endpoint-id>/<path>): "
              + Stagers.redact(url));
    }
    if (path.isEmpty()) {
      path = "/";
    }
    for (String segment : path.split("/")) {
      if (segment.equals("..") || segment.equals(".")) {
        throw invalid("a globus path may not contain '" + segment + "': " + Stagers.redact(url));
      }
    }
    return new GlobusUrl(endpoint, path);
  }

  private static StagingException invalid(String message) {
    return new StagingException(Reason.INVALID, message, false, null);
  }
}
