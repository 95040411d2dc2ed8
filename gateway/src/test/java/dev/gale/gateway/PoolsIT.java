package dev.gale.gateway;

import static dev.gale.gateway.testing.GatewayHarness.args;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Json;
import dev.gale.api.Role;
import dev.gale.gateway.testing.GatewayHarness;
import dev.gale.gateway.testing.Http;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pool routes with a real scheduler member: generic validation of settings, deletion, pools
 * owned by the service, and the scaler's published status in the pool views. (No {@link
 * dev.gale.gateway.spi.PoolValidator} is on this module's class path: provider checks are tested
 * where the providers are, in the command line's tests.)
 */
class PoolsIT {
  private static GatewayHarness h;
  private static String user;

  @BeforeAll
  static void start() {
    h = new GatewayHarness();
    user = h.token("alice", Role.USER);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  private static Object local(Object... more) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("provider", "local");
    for (int i = 0; i < more.length; i += 2) {
      m.put((String) more[i], more[i + 1]);
    }
    return m;
  }

  @Test
  void settingsWithUnknownFieldsOrInconsistentCountsAreRefusedNamingTheField() {
    String name = GatewayHarness.newPool();
    Http.Reply r = h.http.put("/v1/pools/" + name, h.admin, local("maxBlock", 2));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().at("/error/message").asText())
        .startsWith("unknown field maxBlock (known: drainSeconds, initBlocks, maxBlocks,");
    assertThat(r.json().at("/error/details/field").asText()).isEqualTo("maxBlock");

    r = h.http.put("/v1/pools/" + name, h.admin, local("maxBlocks", 1, "initBlocks", 2));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().at("/error/details/field").asText()).isEqualTo("initBlocks");

    r = h.http.put("/v1/pools/" + name, h.admin, local("owner", "me"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().at("/error/message").asText()).startsWith("owner is set by the service");

    r = h.http.put("/v1/pools/" + name, h.admin, args("provider", "Not A Key"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().at("/error/details/field").asText()).isEqualTo("provider");

    r = h.http.put("/v1/pools/" + name, h.admin, local("drainSeconds", -1));
    assertThat(r.json().at("/error/details/field").asText()).isEqualTo("drainSeconds");
    assertThat(h.http.get("/v1/pools/" + name, user).status()).isEqualTo(404);
  }

  @Test
  void deletingAPoolRemovesItsSettingsAndAnswers202() {
    String name = GatewayHarness.newPool();
    assertThat(h.http.put("/v1/pools/" + name, h.admin, local("maxBlocks", 2)).status())
        .isEqualTo(200);
    assertThat(h.http.delete("/v1/pools/" + name, user).status()).isEqualTo(403);
    Http.Reply r = h.http.delete("/v1/pools/" + name, h.admin);
    assertThat(r.status()).as(r.toString()).isEqualTo(202);
    assertThat(r.json().get("deleting").asBoolean()).isTrue();
    assertThat(h.scheduler.pools()).doesNotContainKey(name);
    assertThat(h.http.get("/v1/pools/" + name, user).status()).isEqualTo(404);
    Http.Reply again = h.http.delete("/v1/pools/" + name, h.admin);
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.errorCode()).isEqualTo("not_found");
  }

  @Test
  void aPoolTheServiceOwnsKeepsItsOwnerAndCannotBeDeleted() {
    String name = GatewayHarness.newPool();
    h.scheduler.putPool(name, Json.readTree("{\"provider\":\"local\",\"owner\":\"gale up\"}"));
    Http.Reply put = h.http.put("/v1/pools/" + name, h.admin, local("maxBlocks", 3));
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().at("/settings/owner").asText()).isEqualTo("gale up");
    assertThat(put.json().at("/settings/maxBlocks").asInt()).isEqualTo(3);

    Http.Reply r = h.http.delete("/v1/pools/" + name, h.admin);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.errorCode()).isEqualTo("pool_owned");
    assertThat(r.json().at("/error/message").asText())
        .isEqualTo(
            "pool "
                + name
                + " belongs to gale up and cannot be deleted while it runs; change its settings"
                + " with PUT (maxBlocks 0 pauses it)");
    assertThat(h.scheduler.pools()).containsKey(name);
  }

  @Test
  void theScalersStatusShowsInFullForOnePoolAndSummedUpInTheList() {
    String name = GatewayHarness.newPool();
    h.http.put("/v1/pools/" + name, h.admin, local("maxBlocks", 2));
    JsonNode status =
        Json.readTree(
            "{\"pool\":\""
                + name
                + "\",\"provider\":\"local\",\"holder\":\"scaler-a\",\"fence\":3,"
                + "\"at\":\"2030-01-01T00:00:00Z\",\"healthy\":true,\"reason\":null,"
                + "\"queued\":4,\"running\":1,\"target\":2,"
                + "\"decision\":{\"cases\":[\"1c\"],\"reason\":\"case 1c: at maxBlocks 2\"},"
                + "\"lastAction\":{\"at\":\"2030-01-01T00:00:00Z\",\"cases\":[\"1b\"],"
                + "\"reason\":\"case 1b: start 2 block(s)\"},"
                + "\"blocks\":[{\"id\":\"local-a-1\",\"jobId\":\"4242\",\"state\":\"RUNNING\","
                + "\"since\":\"2030-01-01T00:00:00Z\"}],"
                + "\"metrics\":{\"blocks\":{\"PENDING\":0,\"RUNNING\":1},"
                + "\"decisions\":{\"1b\":1},\"submitFailures\":0},"
                + "\"spec\":{\"provider\":\"local\"}}");
    assertThat(h.scheduler.putPoolStatus(name, 3, status)).isTrue();

    JsonNode one = h.http.get("/v1/pools/" + name, user).json();
    assertThat(one.at("/scaler/holder").asText()).isEqualTo("scaler-a");
    assertThat(one.at("/scaler/blocks/0/jobId").asText()).isEqualTo("4242");
    assertThat(one.at("/scaler/lastAction/reason").asText()).isEqualTo("case 1b: start 2 block(s)");
    assertThat(one.at("/scaler/metrics/blocks/RUNNING").asInt()).isEqualTo(1);
    assertThat(one.path("scaler").has("spec")).isFalse();

    // and in the metrics of every gateway (refreshed at most once a second)
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(h.http.get("/metrics", null).body())
                    .contains("gale_pool_blocks{pool=\"" + name + "\",state=\"RUNNING\"} 1.0")
                    .contains("gale_pool_blocks{pool=\"" + name + "\",state=\"PENDING\"} 0.0")
                    .contains("gale_pool_healthy{pool=\"" + name + "\"} 1.0")
                    .contains("gale_pool_decisions_total{case=\"1b\",pool=\"" + name + "\"} 1.0")
                    .contains("gale_pool_submit_failures_total{pool=\"" + name + "\"} 0.0"));

    JsonNode listed = null;
    for (JsonNode p : h.http.get("/v1/pools", user).json().get("pools")) {
      if (p.get("name").asText().equals(name)) {
        listed = p;
      }
    }
    assertThat(listed).isNotNull();
    assertThat(listed.at("/scaler/blocks/RUNNING").asInt()).isEqualTo(1);
    assertThat(listed.at("/scaler/lastAction").asText()).isEqualTo("case 1b: start 2 block(s)");
    assertThat(listed.at("/scaler/target").asInt()).isEqualTo(2);
    assertThat(listed.path("scaler").has("blocks")).isTrue();
    assertThat(listed.at("/scaler/decision").isMissingNode()).isTrue();

    // a scaler with an older fence can no longer write or remove it
    assertThat(h.scheduler.putPoolStatus(name, 2, Json.object())).isFalse();
    h.scheduler.removePoolStatus(name, 2);
    assertThat(h.scheduler.poolStatuses()).containsKey(name);

    // deleted: the pool stays visible, marked, until its scaler removes the status
    h.http.delete("/v1/pools/" + name, h.admin);
    JsonNode deleting = h.http.get("/v1/pools/" + name, user).json();
    assertThat(deleting.get("deleting").asBoolean()).isTrue();
    assertThat(deleting.path("settings").isMissingNode()).isTrue();
    h.scheduler.removePoolStatus(name, 3);
    assertThat(h.http.get("/v1/pools/" + name, user).status()).isEqualTo(404);
  }
}
