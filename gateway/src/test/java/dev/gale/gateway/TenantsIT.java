package dev.gale.gateway;

import static dev.gale.gateway.testing.GatewayHarness.args;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.Role;
import dev.gale.gateway.testing.GatewayHarness;
import dev.gale.gateway.testing.Http;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tokens, roles and tenant isolation through the HTTP API. */
class TenantsIT {
  private static GatewayHarness h;
  private static String alice;
  private static String bob;
  private static String pool;

  @BeforeAll
  static void start() {
    h = new GatewayHarness();
    alice = h.token("alice", Role.USER);
    bob = h.token("bob", Role.USER);
    pool = GatewayHarness.newPool();
    h.worker("w-tenants", pool, 4, 4);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @Test
  void anotherTenantsPrivateFunctionIsNotFoundEverywhere() {
    String fn = h.echoFunction(alice, pool, 0, false);

    assertThat(h.http.get("/v1/functions/" + fn, bob).status()).isEqualTo(404);
    assertThat(h.http.post("/v1/functions/" + fn + "/invoke", bob, args("args", args())).status())
        .isEqualTo(404);
    assertThat(h.http.delete("/v1/functions/" + fn, bob).status()).isEqualTo(404);
    Http.Reply batch = h.http.post("/v1/tasks", bob, args("tasks", List.of(args("function", fn))));
    assertThat(batch.status()).isEqualTo(404);
    assertThat(ids(h.http.get("/v1/functions", bob).json().get("functions"))).doesNotContain(fn);
    assertThat(ids(h.http.get("/v1/functions", alice).json().get("functions"))).contains(fn);
  }

  @Test
  void aPublicFunctionCanBeSeenAndInvokedByOthersButDeletedOnlyByItsOwner() {
    String fn = h.echoFunction(alice, pool, 0, true);

    assertThat(h.http.get("/v1/functions/" + fn, bob).status()).isEqualTo(200);
    assertThat(ids(h.http.get("/v1/functions", bob).json().get("functions"))).contains(fn);
    Http.Reply r =
        h.http.post("/v1/functions/" + fn + "/invoke", bob, args("args", args("a", 1), "wait", 10));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("tenant").asText()).isEqualTo("bob");

    assertThat(h.http.delete("/v1/functions/" + fn, bob).status()).isEqualTo(403);
    assertThat(h.http.delete("/v1/functions/" + fn, alice).status()).isEqualTo(204);
    assertThat(h.http.get("/v1/functions/" + fn, alice).status()).isEqualTo(404);
    assertThat(h.http.post("/v1/functions/" + fn + "/invoke", bob, args("args", args())).status())
        .isEqualTo(404);
  }

  @Test
  void anotherTenantsTasksAreNotFoundForReadWaitCancelAndListing() {
    String fn = h.echoFunction(alice, pool, 0, true);
    String id =
        h.http
            .post("/v1/functions/" + fn + "/invoke", alice, args("args", args("hold", true)))
            .json()
            .get("id")
            .asText();

    assertThat(h.http.get("/v1/tasks/" + id, bob).status()).isEqualTo(404);
    assertThat(h.http.get("/v1/tasks/" + id + "?wait=1", bob).status()).isEqualTo(404);
    assertThat(h.http.post("/v1/tasks/wait", bob, args("ids", List.of(id), "wait", 1)).status())
        .isEqualTo(404);
    assertThat(h.http.post("/v1/tasks/" + id + "/cancel", bob, null).status()).isEqualTo(404);
    assertThat(ids(h.http.get("/v1/tasks", bob).json().get("tasks"))).doesNotContain(id);
    assertThat(ids(h.http.get("/v1/tasks", alice).json().get("tasks"))).contains(id);
    assertThat(h.http.post("/v1/tasks/" + id + "/cancel", alice, null).status()).isEqualTo(200);
  }

  @Test
  void listingTasksPagesNewestFirstAndFiltersByStateAndFunction() {
    String carol = h.token("carol", Role.USER);
    String fn = h.echoFunction(carol, pool, 0, false);
    List<Object> tasks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      tasks.add(args("function", fn, "args", args("i", i)));
    }
    List<String> submitted =
        ids(h.http.post("/v1/tasks", carol, args("tasks", tasks)).json().get("tasks"));
    h.http.post("/v1/tasks/wait", carol, args("ids", submitted, "wait", 10));

    Http.Reply first = h.http.get("/v1/tasks?limit=2&function=" + fn, carol);
    assertThat(first.json().get("tasks")).hasSize(2);
    String cursor = first.json().get("nextCursor").asText();
    List<String> seen = new ArrayList<>(ids(first.json().get("tasks")));
    while (cursor != null && !cursor.isEmpty()) {
      JsonNode page =
          h.http.get("/v1/tasks?limit=2&function=" + fn + "&cursor=" + cursor, carol).json();
      seen.addAll(ids(page.get("tasks")));
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(submitted);
    assertThat(h.http.get("/v1/tasks?state=succeeded&function=" + fn, carol).json().get("tasks"))
        .hasSize(5);
    assertThat(h.http.get("/v1/tasks?state=queued&function=" + fn, carol).json().get("tasks"))
        .isEmpty();
    assertThat(h.http.get("/v1/tasks?state=nope", carol).status()).isEqualTo(400);
    assertThat(h.http.get("/v1/tasks?limit=0", carol).status()).isEqualTo(400);
    assertThat(h.http.get("/v1/tasks?cursor=not-a-cursor", carol).status()).isEqualTo(400);
  }

  @Test
  void onlyAdminsMintTokensAndMintedTokensWork() {
    assertThat(h.http.post("/v1/tokens", alice, args("tenant", "eve", "role", "admin")).status())
        .isEqualTo(403);
    Http.Reply r = h.http.post("/v1/tokens", h.admin, args("tenant", "dave", "role", "user"));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    String token = r.json().get("token").asText();
    assertThat(token).matches("gale_[A-Za-z0-9_-]{43}");
    assertThat(r.json().get("tenant").asText()).isEqualTo("dave");
    assertThat(r.json().get("role").asText()).isEqualTo("user");
    assertThat(h.http.get("/v1/functions", token).status()).isEqualTo(200);

    Http.Reply w =
        h.http.post("/v1/tokens", h.admin, args("tenant", "dave", "role", "worker", "pool", pool));
    assertThat(w.json().get("pool").asText()).isEqualTo(pool);
    assertThat(h.http.post("/v1/tokens", h.admin, args("tenant", "dave", "role", "root")).status())
        .isEqualTo(400);
  }

  @Test
  void workerTokensGet403OnTheUserApiAndUnknownTokens401() {
    String worker = h.token("alice", Role.WORKER);
    Http.Reply r = h.http.get("/v1/functions", worker);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("forbidden");
    assertThat(h.http.get("/v1/functions", null).status()).isEqualTo(401);
    assertThat(h.http.get("/v1/functions", "gale_" + "B".repeat(43)).errorCode())
        .isEqualTo("unauthorized");
    assertThat(h.http.get("/v1/functions", "not-a-token").status()).isEqualTo(401);
  }

  @Test
  void onlyAdminsConfigurePoolsAndEveryoneCanReadThem() {
    String name = GatewayHarness.newPool();
    Object settings = args("provider", "local", "minBlocks", 0, "maxBlocks", 2, "parallelism", 0.5);
    assertThat(h.http.put("/v1/pools/" + name, alice, settings).status()).isEqualTo(403);
    Http.Reply r = h.http.put("/v1/pools/" + name, h.admin, settings);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("provider").asText()).isEqualTo("local");
    Http.Reply read = h.http.get("/v1/pools/" + name, alice);
    assertThat(read.json().at("/settings/maxBlocks").asInt()).isEqualTo(2);
    assertThat(
            h.http
                .put(
                    "/v1/pools/" + name,
                    h.admin,
                    args("provider", "local", "minBlocks", 3, "maxBlocks", 1))
                .status())
        .isEqualTo(400);
    assertThat(h.http.get("/v1/pools/no-such-pool-here", alice).status()).isEqualTo(404);
  }

  private static List<String> ids(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get("id").asText()));
    return out;
  }
}
