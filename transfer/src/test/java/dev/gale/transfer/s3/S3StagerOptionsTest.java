package dev.gale.transfer.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class S3StagerOptionsTest {
  @Test
  void hasTheDocumentedDefaults() {
    S3StagerOptions o = S3StagerOptions.defaults();
    assertThat(o.endpoint()).isNull();
    assertThat(o.region()).isNull();
    assertThat(o.pathStyleAccess()).isFalse();
    assertThat(o.hasStaticCredentials()).isFalse();
    assertThat(o.multipartThresholdBytes()).isEqualTo(16L << 20);
    assertThat(o.partSizeBytes()).isEqualTo(8L << 20);
    assertThat(o.maxConcurrency()).isEqualTo(8);
    assertThat(o.maxAttempts()).isEqualTo(3);
  }

  @Test
  void neverPrintsTheSecretKey() {
    S3StagerOptions o = S3StagerOptions.builder().credentials("AKIDEXAMPLE", "TopSecret").build();
    assertThat(o.toString()).contains("AKIDEXAMPLE").doesNotContain("TopSecret");
  }

  @Test
  void refusesPartsBelowS3sMinimumAndHalfCredentials() {
    assertThatThrownBy(() -> S3StagerOptions.builder().partSizeBytes(1024).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> S3StagerOptions.builder().credentials("id", null).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parsesBucketAndKeyAndIgnoresUserInfo() {
    S3Location l = S3Location.of(URI.create("s3://key:secret@my_bucket/a/b%20c.txt"));
    assertThat(l.bucket()).isEqualTo("my_bucket");
    assertThat(l.key()).isEqualTo("a/b c.txt");
    assertThat(l.toString()).doesNotContain("secret");
  }
}
