package dev.gale.transfer.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HexFormat;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

class ExpectedChecksumTest {
  private static final String HEX = FileServer.sha256Hex("gale".getBytes());
  private static final String B64 =
      Base64.getEncoder().encodeToString(HexFormat.of().parseHex(HEX));

  @Test
  void readsTheSha256OfAUrlFragmentAmongOtherParameters() {
    assertThat(ExpectedChecksum.fromFragment("x=1&sha256=" + HEX.toUpperCase()).hex())
        .isEqualTo(HEX);
    assertThat(ExpectedChecksum.fromFragment("section-2")).isNull();
    assertThat(ExpectedChecksum.fromFragment(null)).isNull();
    assertThatThrownBy(() -> ExpectedChecksum.fromFragment("sha256=abc"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsEachKindOfChecksumHeader() {
    assertThat(ExpectedChecksum.fromHeaders(Headers.of("x-checksum-sha256", HEX)).hex())
        .isEqualTo(HEX);
    assertThat(ExpectedChecksum.fromHeaders(Headers.of("x-checksum-sha256", B64)).hex())
        .isEqualTo(HEX);
    assertThat(
            ExpectedChecksum.fromHeaders(
                    Headers.of("Repr-Digest", "sha-512=:AAAA:, sha-256=:" + B64 + ":"))
                .source())
        .isEqualTo("Repr-Digest header");
    assertThat(ExpectedChecksum.fromHeaders(Headers.of("Digest", "MD5=xx,SHA-256=" + B64)).hex())
        .isEqualTo(HEX);
  }

  @Test
  void ignoresAContentDigestAndMalformedValues() {
    assertThat(ExpectedChecksum.fromHeaders(Headers.of("Content-Digest", "sha-256=:" + B64 + ":")))
        .isNull();
    assertThat(ExpectedChecksum.fromHeaders(Headers.of("x-checksum-sha256", "nonsense"))).isNull();
  }
}
