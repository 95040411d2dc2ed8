package dev.gale.gateway.impl;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Checks and names uploaded JARs. */
final class Artifacts {
  private Artifacts() {}

  /**
   * Whether the bytes look like a JAR: a zip starts with a local file header ({@code PK\3\4}) or,
   * when empty, with its end record ({@code PK\5\6}, 22 bytes at least).
   */
  static boolean looksLikeJar(byte[] b) {
    return b.length >= 22
        && b[0] == 'P'
        && b[1] == 'K'
        && ((b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6));
  }

  /** The content address: {@code sha256:} and the lower-case hex SHA-256 of the bytes. */
  static String digest(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
