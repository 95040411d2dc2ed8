package dev.gale.transfer.globus;

import dev.gale.transfer.StagerContract;
import dev.gale.transfer.spi.Stager;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stager contract against the local Globus stand-in: this node's collection shows the
 * contract's local directory, a second collection plays the remote site.
 */
class GlobusStagerContractTest extends StagerContract {
  @TempDir Path remoteRoot;
  private GlobusStandIn globus;
  private GlobusStager stager;
  private String remote;

  @BeforeEach
  void start() throws Exception {
    globus = new GlobusStandIn();
    globus.pollsUntilDone = 1;
    remote = globus.collection(remoteRoot);
    String mine = globus.collection(local);
    stager = new GlobusStager(globus.options().localEndpoint(mine, local).build(), new FakeWaits());
  }

  @AfterEach
  void stop() {
    stager.close();
    globus.close();
  }

  @Override
  protected Stager stager() {
    return stager;
  }

  @Override
  protected URI freshUrl(String name) {
    return URI.create("globus://" + remote + "/store/" + unique(name));
  }
}
