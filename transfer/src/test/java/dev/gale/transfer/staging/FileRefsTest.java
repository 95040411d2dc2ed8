package dev.gale.transfer.staging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonPointer;
import dev.gale.api.Json;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FileRefsTest {
  @Test
  void findsRefsInDocumentOrderWithReadableLocations() {
    var refs =
        FileRefs.find(
            Json.readTree(
                "{\"a\": {\"$file\": \"s3://b/1\"}, \"l\": [0, [{\"$file\": \"s3://b/2\", \"name\": \"two\"}]]}"));
    assertThat(refs).extracting(FileRef::location).containsExactly("args.a", "args.l[1][0]");
    assertThat(refs.get(1).url()).isEqualTo(URI.create("s3://b/2"));
    assertThat(refs.get(1).name()).isEqualTo("two");
  }

  @Test
  void replacesARefAtTheRootByItsPath() {
    var args = Json.readTree("{\"$file\": \"s3://b/1\"}");
    assertThat(FileRefs.replace(args, Map.of(JsonPointer.empty(), "/w/1")).asText())
        .isEqualTo("/w/1");
  }

  @Test
  void cacheKeysDifferByCredentialsAndVersionButNotByFragment() {
    URI plain = URI.create("https://h/a.bin");
    assertThat(StagingCache.key(plain, "v1"))
        .isEqualTo(StagingCache.key(URI.create("https://h/a.bin#sha256=00"), "v1"))
        .isNotEqualTo(StagingCache.key(plain, "v2"))
        .isNotEqualTo(StagingCache.key(URI.create("https://u:p@h/a.bin"), "v1"))
        .doesNotContain("h/a.bin");
  }
}
