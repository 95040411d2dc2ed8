package dev.gale.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class UrlsTest {
  @Test
  void joinsARelativePathBelowABaseKeepingItsAuthority() {
    assertThat(Urls.child(URI.create("s3://b/out"), "x/y.csv"))
        .isEqualTo(URI.create("s3://b/out/x/y.csv"));
    assertThat(Urls.child(URI.create("s3://my_bucket/out/"), "a b.csv").toString())
        .isEqualTo("s3://my_bucket/out/a%20b.csv");
    assertThat(Urls.child(URI.create("https://u:p@h:8443/d?sig=1#f"), "z").toString())
        .isEqualTo("https://u:p@h:8443/d/z");
    assertThat(Urls.child(URI.create("file:///tmp/d"), "z")).isEqualTo(URI.create("file:/tmp/d/z"));
  }

  @Test
  void refusesPathsThatClimbOrAreAbsolute() {
    assertThatThrownBy(() -> Urls.child(URI.create("s3://b/out"), "../etc"))
        .isInstanceOf(StagingException.class)
        .hasMessageContaining("..");
    assertThatThrownBy(() -> Urls.child(URI.create("s3://b/out"), "/abs"))
        .isInstanceOf(StagingException.class);
  }

  @Test
  void basenameIsTheLastNonEmptySegment() {
    assertThat(Urls.basename(URI.create("s3://b/a/b%20c.txt"))).isEqualTo("b c.txt");
    assertThat(Urls.basename(URI.create("https://h/dir/"))).isEqualTo("dir");
    assertThat(Urls.basename(URI.create("https://h"))).isEmpty();
  }

  @Test
  void parseRefusesTextThatIsNotAUrlWithoutQuotingIt() {
    assertThatThrownBy(() -> Urls.parse("https://u:s3cr3t@h/a b", "source"))
        .isInstanceOf(StagingException.class)
        .hasMessageStartingWith("source is not a valid URL")
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(() -> Urls.parse("just-a-name", "destination"))
        .hasMessageContaining("scheme");
  }
}
