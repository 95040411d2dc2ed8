package dev.gale.gateway.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.gateway.GatewayOptions;
import dev.gale.gateway.auth.TokenService;
import dev.gale.gateway.testing.FakeScheduler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document and the router describe the same operations. */
class OpenApiRoutesTest {
  private static final Pattern PATH = Pattern.compile("^  (/\\S*):\\s*$");
  private static final Pattern METHOD =
      Pattern.compile("^    (get|put|post|delete|patch|head|options):.*$");

  private Vertx vertx;
  private GatewayCore core;
  private ApiVerticle verticle;

  @BeforeEach
  void deploy() throws Exception {
    vertx = Vertx.vertx();
    FakeScheduler scheduler = new FakeScheduler();
    core =
        new GatewayCore(vertx, scheduler, GatewayOptions.forTests(), new TokenService(scheduler));
    verticle = core.newVerticle();
    vertx
        .deployVerticle(verticle)
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    core.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedOperationIsRouted() throws Exception {
    Set<String> routed = new TreeSet<>();
    for (Route r : verticle.router().getRoutes()) {
      if (r.getPath() == null || r.methods() == null || r.methods().isEmpty() || !r.isExactPath()) {
        continue;
      }
      String path = r.getPath().replaceAll(":([A-Za-z]+)", "{$1}");
      r.methods().forEach(m -> routed.add(m.name().toUpperCase(Locale.ROOT) + " " + path));
    }
    Set<String> documented = documentedOperations();

    assertThat(routed)
        .isNotEmpty()
        .contains("POST /v1/functions/{id}/invoke", "GET /v1/workers/connect");
    assertThat(documented).containsExactlyInAnyOrderElementsOf(routed);
  }

  private static Set<String> documentedOperations() throws Exception {
    String yaml;
    try (InputStream in =
        OpenApiRoutesTest.class.getResourceAsStream("/dev/gale/gateway/openapi.yaml")) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Set<String> ops = new TreeSet<>();
    boolean inPaths = false;
    String path = null;
    for (String line : yaml.split("\n")) {
      if (!line.startsWith(" ") && !line.isBlank()) {
        inPaths = line.startsWith("paths:");
        path = null;
        continue;
      }
      if (!inPaths) {
        continue;
      }
      Matcher p = PATH.matcher(line);
      if (p.matches()) {
        path = p.group(1);
        continue;
      }
      Matcher m = METHOD.matcher(line);
      if (m.matches() && path != null) {
        ops.add(m.group(1).toUpperCase(Locale.ROOT) + " " + path);
      }
    }
    return ops;
  }
}
