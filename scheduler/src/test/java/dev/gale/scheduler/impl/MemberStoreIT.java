package dev.gale.scheduler.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.gale.api.FunctionDefinition;
import dev.gale.api.RawJson;
import dev.gale.api.Role;
import dev.gale.api.Task;
import dev.gale.api.TokenRecord;
import dev.gale.scheduler.Dispatch;
import dev.gale.scheduler.NewTask;
import dev.gale.scheduler.Scheduler;
import dev.gale.scheduler.SchedulerOptions;
import dev.gale.scheduler.Schedulers;
import dev.gale.scheduler.WorkerCredit;
import dev.gale.scheduler.store.JdbcStore;
import dev.gale.scheduler.store.StoreKind;
import dev.gale.scheduler.store.StoreOptions;
import dev.gale.scheduler.store.StoredMap;
import dev.gale.scheduler.testing.PostgresServer;
import dev.gale.scheduler.testing.TestDatabases;
import dev.gale.scheduler.testing.TestFunctions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The member side of the durable store: re-queueing after a load, and what happens to accepted
 * changes while the database is down.
 */
class MemberStoreIT {
  @TempDir static Path tmp;
  private static TestDatabases databases;

  @BeforeAll
  static void setUp() {
    databases = new TestDatabases(tmp);
  }

  @AfterAll
  static void tearDown() {
    databases.close();
  }

  private static FunctionDefinition fn() {
    return TestFunctions.echo("acme", 0, Instant.EPOCH);
  }

  private static List<NewTask> tasks(FunctionDefinition f, String pool, int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> new NewTask("acme", f, RawJson.EMPTY_OBJECT, pool, 0))
        .toList();
  }

  private static SchedulerOptions options(StoreOptions store) {
    return SchedulerOptions.builder()
        .clusterName("gale-test-" + UUID.randomUUID())
        .port(0)
        .store(store)
        .build();
  }

  /** A member whose store this test can look at. */
  private record Member(HazelcastScheduler scheduler, HazelcastInstance hz, MemberStore store)
      implements AutoCloseable {
    static Member start(SchedulerOptions options) {
      MemberStore store = MemberStore.open(options.store());
      HazelcastInstance hz =
          Hazelcast.newHazelcastInstance(HazelcastScheduler.memberConfig(options, store));
      return new Member(new HazelcastScheduler(hz, options, Clock.systemUTC()), hz, store);
    }

    @Override
    public void close() {
      store.flush(hz);
      hz.getLifecycleService().terminate();
      store.close();
    }
  }

  @Test
  void recoveryOffersOnlyQueuedTasksMissingFromTheQueuesAndAStaleOfferRunsNothingTwice()
      throws Exception {
    try (Member m = Member.start(options(databases.fresh(StoreKind.EMBEDDED).build()))) {
      HazelcastScheduler s = m.scheduler();
      FunctionDefinition f = fn();
      List<String> ids = s.submit(tasks(f, "p", 3)).stream().map(Task::id).toList();

      // this member loaded the (empty) task map, so it is the one that recovers
      assertThat(m.store().recoverAfterLoad(m.hz())).isZero();
      ReadyQueues ready = new ReadyQueues(m.hz());
      ready.queue("p", 0).clear();
      assertThat(m.store().recoverAfterLoad(m.hz())).isEqualTo(3);
      assertThat(m.store().recoverAfterLoad(m.hz())).isZero();
      assertThat(s.queueDepth("p")).isEqualTo(3);

      List<Dispatch> first = s.take("p", List.of(new WorkerCredit("w", 10)), 1000);
      assertThat(first).extracting(Dispatch::taskId).containsExactlyElementsOf(ids);
      // an offer of a task that is already running (e.g. a recovery racing a dispatcher)
      ready.addAll("p", 0, List.of(ids.get(0)));
      assertThat(s.take("p", List.of(new WorkerCredit("w", 10)), 500)).isEmpty();
      assertThat(s.getTask(ids.get(0)).orElseThrow().attempts()).isEqualTo(1);
    }
  }

  @Test
  @Timeout(300)
  void changesAcceptedWhileTheDatabaseIsDownAreWrittenWhenItIsBack() {
    PostgresServer pg = databases.postgres();
    StoreOptions store = databases.fresh(StoreKind.POSTGRESQL).build();
    try (Member m = Member.start(options(store))) {
      JdbcStore db = m.store().database();
      FunctionDefinition before = fn();
      m.scheduler().putFunction(before);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> db.read(StoredMap.FUNCTIONS, before.id()) != null);

      FunctionDefinition during = fn();
      pg.stop();
      try {
        m.scheduler().putFunction(during);
        await().atMost(Duration.ofSeconds(60)).until(() -> !db.health().healthy());
        assertThat(db.health().lastError())
            .contains("cannot write")
            .contains("gale_functions")
            .contains(store.jdbcUrl());
        assertThat(m.scheduler().getFunction(during.id())).contains(during);
      } finally {
        pg.start();
      }
      await()
          .atMost(Duration.ofSeconds(120))
          .ignoreExceptions()
          .until(() -> db.read(StoredMap.FUNCTIONS, during.id()) != null);
      await().atMost(Duration.ofSeconds(30)).until(() -> db.health().healthy());
    }
  }

  @Test
  @Timeout(300)
  void aMemberClosedWhileTheDatabaseIsDownLeavesItsChangesToTheMemberHoldingTheBackups()
      throws Exception {
    PostgresServer pg = databases.postgres();
    StoreOptions store =
        databases.fresh(StoreKind.POSTGRESQL).flushTimeout(Duration.ofSeconds(3)).build();
    int portA = freePort();
    int portB = freePort();
    List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
    String cluster = "gale-test-" + UUID.randomUUID();
    FunctionDefinition f = fn();
    TokenRecord token = new TokenRecord("h-" + UUID.randomUUID(), "acme", Role.USER, null, null);
    try (JdbcStore db = JdbcStore.open(store);
        Scheduler b = Schedulers.member(member(cluster, portB, members, store))) {
      Scheduler a = Schedulers.member(member(cluster, portA, members, store));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> ((HazelcastScheduler) b).hazelcast().getCluster().getMembers().size() == 2);
      pg.stop();
      try {
        a.putFunction(f);
        a.putToken(token);
        a.close(); // cannot flush: gives up after the flush timeout instead of hanging
        assertThat(((HazelcastScheduler) a).hazelcast().getLifecycleService().isRunning())
            .isFalse();
        assertThat(b.getFunction(f.id())).contains(f);
      } finally {
        pg.start();
      }
      await()
          .atMost(Duration.ofSeconds(120))
          .ignoreExceptions()
          .until(
              () ->
                  db.read(StoredMap.FUNCTIONS, f.id()) != null
                      && db.read(StoredMap.TOKENS, token.hash()) != null);
    }
  }

  private static SchedulerOptions member(
      String cluster, int port, List<String> members, StoreOptions store) {
    return SchedulerOptions.builder()
        .clusterName(cluster)
        .port(port)
        .members(members)
        .store(store)
        .build();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
