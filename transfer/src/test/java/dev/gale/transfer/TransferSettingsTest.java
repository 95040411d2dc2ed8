package dev.gale.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.transfer.file.FileStager;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransferSettingsTest {
  @TempDir Path root;

  @Test
  void buildsTheStagersFromEnvironmentVariables() throws Exception {
    Path f = Files.writeString(root.resolve("in.txt"), "x");
    TransferSettings settings =
        TransferSettings.fromEnvironment(
            Map.of(
                "GALE_TRANSFER_FILE_ROOTS", root.toString(),
                "GALE_TRANSFER_S3_ENDPOINT", "http://127.0.0.1:9",
                "GALE_TRANSFER_S3_PATH_STYLE", "true"));

    try (Stagers stagers = settings.stagers()) {
      assertThat(stagers.forUrl(f.toUri())).isInstanceOf(FileStager.class);
      assertThat(stagers.forUrl(f.toUri()).stat(f.toUri()).size()).isEqualTo(1);
      assertThatThrownBy(() -> stagers.forUrl(URI.create("globus://e/x")))
          .hasMessageContaining("known: file, http, https, s3");
    }
    assertThat(settings.stagingOptions().parallelism()).isEqualTo(4);
    assertThat(settings.stagingOptions().cacheDir()).isNull();
  }

  @Test
  void addsGlobusWhenItHasCredentialsAndNamesABadKey() {
    TransferSettings settings =
        TransferSettings.of(
            Map.of(
                    "gale.transfer.globus.client-id", "id",
                    "gale.transfer.globus.client-secret", "secret",
                    "gale.transfer.staging.cache-dir", root.toString())
                ::get);
    try (Stagers stagers = settings.stagers()) {
      assertThat(stagers.forUrl(URI.create("globus://e/x")).schemes()).containsExactly("globus");
    }
    assertThat(settings.stagingOptions().cacheDir()).isEqualTo(root);

    assertThatThrownBy(
            () -> TransferSettings.of(Map.of("gale.transfer.s3.path-style", "yes")::get).stagers())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("gale.transfer.s3.path-style must be true or false");
    assertThatThrownBy(
            () ->
                TransferSettings.of(Map.of("gale.transfer.s3.part-size-bytes", "10")::get)
                    .stagers())
        .hasMessageContaining("gale.transfer.s3: partSizeBytes must be at least");
  }

  @Test
  void everyKeyHasAnEnvironmentVariable() {
    assertThat(TransferSettings.KEYS)
        .extracting(TransferSettings.Key::envVar)
        .contains("GALE_TRANSFER_S3_SECRET_ACCESS_KEY", "GALE_TRANSFER_STAGING_CACHE_DIR");
  }

  @Test
  void checksEachValueByItsKindAndNeverNeedsTheDefaultChecked() {
    for (TransferSettings.Key k : TransferSettings.KEYS) {
      assertThat(k.problem(k.defaultValue())).as(k.key()).isNull();
      assertThat(k.problem("")).isNull();
    }
    TransferSettings.Key parallelism = TransferSettings.keyOf("gale.transfer.staging.parallelism");
    assertThat(parallelism.problem("many")).isEqualTo("not a whole number");
    assertThat(parallelism.problem("-1")).startsWith("out of range");
    assertThat(parallelism.problem("99999999999")).startsWith("out of range");
    assertThat(parallelism.problem(" 8 ")).isNull();
    assertThat(TransferSettings.keyOf("gale.transfer.s3.path-style").problem("yes"))
        .isEqualTo("not true or false");
    assertThat(TransferSettings.keyOf("gale.transfer.s3.endpoint").problem("localhost"))
        .startsWith("not a URL");
    assertThat(TransferSettings.keyOf("gale.transfer.s3.secret-access-key").isSecret()).isTrue();
    assertThat(TransferSettings.keyOf("gale.transfer.globus.client-secret").isSecret()).isTrue();
    assertThat(TransferSettings.keyOf("gale.transfer.s3.region").isSecret()).isFalse();
    assertThatThrownBy(() -> TransferSettings.keyOf("gale.transfer.nope"))
        .hasMessage("unknown key gale.transfer.nope");
  }

  @Test
  void fromSystemPrefersASystemPropertyOverTheEnvironment() {
    System.setProperty("gale.transfer.staging.parallelism", "3");
    try {
      assertThat(TransferSettings.fromSystem().stagingOptions().parallelism()).isEqualTo(3);
    } finally {
      System.clearProperty("gale.transfer.staging.parallelism");
    }
  }
}
