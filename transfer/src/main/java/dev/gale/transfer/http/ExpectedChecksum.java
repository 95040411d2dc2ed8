package dev.gale.transfer.http;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import okhttp3.Headers;

/**
 * A SHA-256 that a download must match, and where it came from. Sources, first found wins: the URL
 * fragment {@code #sha256=<hex>}; then the answer's {@code x-checksum-sha256} (hex or base64),
 * {@code Repr-Digest: sha-256=:<base64>:} (RFC 9530) or {@code Digest: SHA-256=<base64>} (RFC
 * 3230). All of these describe the whole file, also on a 206 answer ({@code Content-Digest}, which
 * covers only the part sent, is ignored).
 */
record ExpectedChecksum(byte[] sha256, String source) {
  private static final int SHA256_BYTES = 32;

  /** The hex form, for messages. */
  String hex() {
    return HexFormat.of().formatHex(sha256);
  }

  /**
   * The checksum in a URL fragment such as {@code sha256=ab12…} (other {@code &}-separated
   * parameters are ignored), or null when it names none.
   *
   * @throws IllegalArgumentException when a {@code sha256} parameter is not 64 hex digits
   */
  static ExpectedChecksum fromFragment(String fragment) {
    if (fragment == null) {
      return null;
    }
    for (String param : fragment.split("&")) {
      int eq = param.indexOf('=');
      if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("sha256")) {
        byte[] bytes = hexOrNull(param.substring(eq + 1).trim());
        if (bytes == null) {
          throw new IllegalArgumentException("the URL fragment's sha256 is not 64 hex digits");
        }
        return new ExpectedChecksum(bytes, "URL fragment");
      }
    }
    return null;
  }

  /** The checksum announced in response headers, or null (malformed values are ignored). */
  static ExpectedChecksum fromHeaders(Headers headers) {
    String x = headers.get("x-checksum-sha256");
    if (x != null) {
      byte[] bytes = hexOrNull(x.trim());
      if (bytes == null) {
        bytes = base64OrNull(x.trim());
      }
      if (bytes != null) {
        return new ExpectedChecksum(bytes, "x-checksum-sha256 header");
      }
    }
    byte[] repr = fromDictionary(headers.get("Repr-Digest"), true);
    if (repr != null) {
      return new ExpectedChecksum(repr, "Repr-Digest header");
    }
    byte[] digest = fromDictionary(headers.get("Digest"), false);
    if (digest != null) {
      return new ExpectedChecksum(digest, "Digest header");
    }
    return null;
  }

  // "sha-256=:b64:, sha-512=:…:" (RFC 9530) or "SHA-256=b64,MD5=…" (RFC 3230)
  private static byte[] fromDictionary(String value, boolean colonWrapped) {
    if (value == null) {
      return null;
    }
    for (String member : value.split(",")) {
      int eq = member.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String algorithm = member.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      if (!algorithm.equals("sha-256")) {
        continue;
      }
      String encoded = member.substring(eq + 1).trim();
      if (colonWrapped) {
        if (encoded.length() < 2 || !encoded.startsWith(":") || !encoded.endsWith(":")) {
          continue;
        }
        encoded = encoded.substring(1, encoded.length() - 1);
      }
      byte[] bytes = base64OrNull(encoded);
      if (bytes != null) {
        return bytes;
      }
    }
    return null;
  }

  private static byte[] hexOrNull(String s) {
    if (s.length() != SHA256_BYTES * 2) {
      return null;
    }
    try {
      return HexFormat.of().parseHex(s.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] base64OrNull(String s) {
    try {
      byte[] bytes = Base64.getDecoder().decode(s);
      return bytes.length == SHA256_BYTES ? bytes : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
