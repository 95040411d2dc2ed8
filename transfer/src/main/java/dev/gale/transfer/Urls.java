package dev.gale.transfer;

import java.net.URI;
import java.net.URISyntaxException;

/** Small operations on staging URLs that keep their authority (with any user info) intact. */
public final class Urls {
  private Urls() {}

  /**
   * The URL of {@code relativePath} below {@code base}: {@code s3://b/out} + {@code x/y.csv} is
   * {@code s3://b/out/x/y.csv}. Characters that a URL path cannot hold are percent-encoded; the
   * query and fragment of {@code base} are dropped.
   *
   * @throws StagingException with reason {@code INVALID} for an absolute path or one with {@code .}
   *     or {@code ..} segments
   */
  public static URI child(URI base, String relativePath) {
    if (relativePath.isEmpty() || relativePath.startsWith("/")) {
      throw invalid("not a relative path: '" + relativePath + "'");
    }
    for (String segment : relativePath.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        throw invalid("a relative path may not contain '" + segment + "': " + relativePath);
      }
    }
    String path = base.getPath() == null ? "" : base.getPath();
    String joined = path.endsWith("/") ? path + relativePath : path + "/" + relativePath;
    try {
      return new URI(
          base.getScheme(),
          base.getRawAuthority() == null ? null : base.getAuthority(),
          joined,
          null,
          null);
    } catch (URISyntaxException e) {
      throw invalid("cannot form a URL below " + Stagers.redact(base) + " for " + relativePath);
    }
  }

  /** The last non-empty segment of the URL's path, decoded, or the empty string when none. */
  public static String basename(URI url) {
    String path = url.getPath() == null ? "" : url.getPath();
    int end = path.length();
    while (end > 0 && path.charAt(end - 1) == '/') {
      end--;
    }
    int start = path.lastIndexOf('/', end - 1) + 1;
    return path.substring(start, end);
  }

  /**
   * Parses a URL given as text.
   *
   * @param what how to name the URL in the message, e.g. {@code "source"}
   * @throws StagingException with reason {@code INVALID} when it is not a URL with a scheme (the
   *     message does not quote the text, which may hold credentials)
   */
  public static URI parse(String text, String what) {
    URI url;
    try {
      url = new URI(text);
    } catch (URISyntaxException e) {
      throw invalid(what + " is not a valid URL (" + e.getReason() + ")");
    }
    if (url.getScheme() == null) {
      throw invalid(what + " is not a URL with a scheme such as s3:// or https://");
    }
    return url;
  }

  private static StagingException invalid(String message) {
    return new StagingException(StagingException.Reason.INVALID, message, false, null);
  }
}
