package dev.gale.transfer.http;

import dev.gale.transfer.Stagers;
import dev.gale.transfer.StagingException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import okhttp3.Credentials;
import okhttp3.HttpUrl;

/**
 * An {@code http(s)} URL taken apart: the address to call (without user info or fragment), the
 * {@code Authorization} header its user info stands for, the redacted form for messages, and the
 * checksum its fragment names.
 */
record HttpTarget(HttpUrl url, String authorization, String redacted, ExpectedChecksum expected) {

  @Override
  public String toString() {
    return redacted; // never the credentials
  }

  /**
   * Parses a URL.
   *
   * @throws StagingException when it is not a usable http(s) URL (the message is redacted and no
   *     cause is attached, since a parser's message may quote the URL)
   */
  static HttpTarget of(URI uri) {
    String redacted = Stagers.redact(uri);
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new StagingException("not an http(s) URL: " + redacted, false, null);
    }
    HttpUrl parsed = HttpUrl.parse(uri.toString());
    if (parsed == null) {
      throw new StagingException("not a usable http(s) URL: " + redacted, false, null);
    }
    String authorization = null;
    if (!parsed.username().isEmpty() || !parsed.password().isEmpty()) {
      authorization =
          Credentials.basic(parsed.username(), parsed.password(), StandardCharsets.UTF_8);
    }
    HttpUrl bare = parsed.newBuilder().username("").password("").fragment(null).build();
    ExpectedChecksum expected;
    try {
      expected = ExpectedChecksum.fromFragment(uri.getFragment());
    } catch (IllegalArgumentException e) {
      throw new StagingException(e.getMessage() + ": " + redacted, false, null);
    }
    return new HttpTarget(bare, authorization, redacted, expected);
  }
}
