package dev.gale.transfer.http;

import dev.gale.transfer.StagerContract;
import dev.gale.transfer.spi.Stager;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The stager contract against a real HTTP file store on loopback. */
class HttpStagerContractTest extends StagerContract {
  private FileServer server;
  private HttpStager stager;

  @BeforeEach
  void start() throws Exception {
    server = new FileServer();
    stager =
        new HttpStager(
            HttpStagerOptions.builder().maxRetries(1).initialBackoff(Duration.ZERO).build(),
            d -> {});
  }

  @AfterEach
  void stop() {
    stager.close();
    server.close();
  }

  @Override
  protected Stager stager() {
    return stager;
  }

  @Override
  protected boolean listable() {
    return false;
  }

  @Override
  protected URI freshUrl(String name) {
    return server.url("/files/" + unique(name));
  }
}
