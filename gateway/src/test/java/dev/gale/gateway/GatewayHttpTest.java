package dev.gale.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.Role;
import dev.gale.gateway.testing.FakeScheduler;
import dev.gale.gateway.testing.Http;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP edge on a scheduler fake: authentication, roles and error answers that never reach the
 * task path. (The task path is covered against the real scheduler by the *IT tests.)
 */
class GatewayHttpTest {
  private static Vertx vertx;
  private static FakeScheduler scheduler;
  private static Gateway gateway;
  private static Http http;
  private static String user;
  private static String worker;
  private static String admin;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    scheduler = new FakeScheduler();
    gateway =
        Gateway.start(
            vertx, scheduler, GatewayOptions.builder().port(0).maxBodyBytes(4096).build());
    http = new Http(gateway.port());
    user = gateway.tokens().mint("acme", Role.USER, null);
    worker = gateway.tokens().mint("acme", Role.WORKER, null);
    admin = gateway.tokens().mint("ops", Role.ADMIN, null);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void requestsWithoutATokenAre401() {
    Http.Reply r = http.get("/v1/functions", null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.errorCode()).isEqualTo("unauthorized");
    assertThat(http.send("GET", "/v1/functions", null, null, null).status()).isEqualTo(401);
  }

  @Test
  void unknownOrMalformedTokensAre401() {
    assertThat(http.get("/v1/functions", "gale_" + "z".repeat(43)).status()).isEqualTo(401);
    assertThat(http.get("/v1/functions", "letmein").status()).isEqualTo(401);
  }

  @Test
  void userTokensReachTheUserApi() {
    assertThat(http.get("/v1/functions", user).status()).isEqualTo(200);
  }

  @Test
  void workerTokensAre403OnTheUserApi() {
    Http.Reply r = http.get("/v1/functions", worker);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("forbidden");
  }

  @Test
  void onlyAdminsMayMintTokens() {
    assertThat(http.post("/v1/tokens", user, Map.of("tenant", "x", "role", "user")).status())
        .isEqualTo(403);
    Http.Reply r = http.post("/v1/tokens", admin, Map.of("tenant", "x", "role", "user"));
    assertThat(r.status()).isEqualTo(201);
    assertThat(http.get("/v1/functions", r.json().get("token").asText()).status()).isEqualTo(200);
  }

  @Test
  void userAndAdminTokensAre403OnTheWorkerEndpoint() {
    assertThat(http.get("/v1/workers/connect", user).status()).isEqualTo(403);
    assertThat(http.get("/v1/workers/connect", admin).status()).isEqualTo(403);
    assertThat(http.get("/v1/workers/connect", null).status()).isEqualTo(401);
  }

  @Test
  void healthAndReadinessAreOpenAndReadinessFollowsTheScheduler() {
    assertThat(http.get("/healthz", null).status()).isEqualTo(200);
    assertThat(http.get("/readyz", null).status()).isEqualTo(200);
    scheduler.ready = false;
    try {
      assertThat(http.get("/readyz", null).status()).isEqualTo(503);
      assertThat(http.get("/healthz", null).status()).isEqualTo(200);
    } finally {
      scheduler.ready = true;
    }
  }

  @Test
  void malformedJsonIs400InvalidJson() {
    Http.Reply r = http.post("/v1/functions", user, "{oops");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_json");
  }

  @Test
  void aBodyOverTheLimitIs413() {
    Http.Reply r = http.post("/v1/functions", user, "{\"name\":\"" + "a".repeat(5000) + "\"}");
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorCode()).isEqualTo("too_large");
  }

  @Test
  void validationErrorsNameTheField() {
    Http.Reply r =
        http.post("/v1/functions", user, Map.of("name", "f", "kind", "shell", "spec", Map.of()));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().at("/error/details/field").asText()).isEqualTo("spec.command");
  }

  @Test
  void anUnexpectedFailureIsAGeneric500WithoutInternals() {
    Http.Reply r = http.get("/v1/tasks", user);
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.errorCode()).isEqualTo("internal");
    assertThat(r.body())
        .doesNotContain("must not leak")
        .doesNotContain("IllegalStateException")
        .doesNotContain("\tat ");
  }

  @Test
  void startingOnATakenPortFailsWithTheCause() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                Gateway.start(
                    vertx, scheduler, GatewayOptions.builder().port(gateway.port()).build()))
        .isInstanceOf(RuntimeException.class)
        .hasRootCauseInstanceOf(java.net.BindException.class);
    assertThat(http.get("/healthz", null).status()).isEqualTo(200);
  }

  @Test
  void unknownPathsAnswerJson404() {
    Http.Reply r = http.get("/nowhere", null);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("not_found");
  }

  @Test
  void registeredFunctionsAreVisibleToTheirTenantOnly() {
    Http.Reply created =
        http.post(
            "/v1/functions",
            user,
            Map.of(
                "name",
                "e",
                "kind",
                "java",
                "spec",
                Map.of("class", "dev.gale.function.builtin.Echo")));
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().get("id").asText();
    assertThat(http.get("/v1/functions/" + id, user).status()).isEqualTo(200);
    assertThat(http.get("/v1/functions/" + id, admin).status()).isEqualTo(404);
  }
}
