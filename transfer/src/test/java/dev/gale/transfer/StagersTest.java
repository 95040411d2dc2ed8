package dev.gale.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.transfer.spi.Stager;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StagersTest {
  @Test
  void redactsUserInfoQueryAndFragment() {
    assertThat(Stagers.redact(URI.create("https://u:pw@example.org:8443/a/b?sig=x#sha256=ab")))
        .isEqualTo("https://example.org:8443/a/b");
    assertThat(Stagers.redact(URI.create("s3://key:pw@my_bucket/k"))).isEqualTo("s3://my_bucket/k");
  }

  @Test
  void closingTheRegistryClosesEachCloseableStagerOnce() {
    AtomicInteger closes = new AtomicInteger();
    class Closeable implements Stager, AutoCloseable {
      @Override
      public Set<String> schemes() {
        return Set.of("a", "b");
      }

      @Override
      public long stageIn(URI source, Path target) {
        return 0;
      }

      @Override
      public long stageOut(Path source, URI destination) {
        return 0;
      }

      @Override
      public void close() {
        closes.incrementAndGet();
      }
    }
    Stagers stagers = new Stagers(List.of(new Closeable()));
    stagers.close();
    assertThat(closes).hasValue(1);
  }
}
