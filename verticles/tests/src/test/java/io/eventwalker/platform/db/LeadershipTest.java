package io.eventwalker.platform.db;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.Backing;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** One leader among instances, elected by PostgreSQL, and a prompt take-over when it goes. */
class LeadershipTest {

  private final Vertx vertx = Vertx.vertx();
  private final List<Leadership> standing = new ArrayList<>();

  @AfterEach
  void close() {
    standing.forEach(leadership -> leadership.stop().await());
    vertx.close().await();
  }

  private DatabaseConfig database() {
    Backing.Postgres pg = Backing.postgres();
    return new DatabaseConfig(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(), "public", 2, 10, 2000, 2000, 10_000);
  }

  private Leadership stand(String name, AtomicInteger elected) {
    Leadership leadership = Leadership.stand(vertx, database(), "leadership-test", name, 100, elected::incrementAndGet);
    standing.add(leadership);
    return leadership;
  }

  @Test
  void oneLeadsAndAnotherTakesOverWhenItStops() {
    String name = "leadership-test:" + UUID.randomUUID();
    AtomicInteger firstElected = new AtomicInteger();
    AtomicInteger secondElected = new AtomicInteger();
    Leadership first = stand(name, firstElected);
    Await.until("a leader", Duration.ofSeconds(10), first::isLeader);
    Leadership second = stand(name, secondElected);
    // The second tries every 100 ms; over a second of tries it never leads while the first holds the lock.
    for (int i = 0; i < 10; i++) {
      vertx.timer(100).await();
      assertThat(second.isLeader()).as("the second, while the first leads").isFalse();
      assertThat(first.isLeader()).isTrue();
    }
    first.stop().await();
    Await.until("the second to take over", Duration.ofSeconds(5), second::isLeader);
    assertThat(firstElected).hasValue(1);
    assertThat(secondElected).hasValue(1);
  }

  @Test
  void aLeaderWhoseSessionIsKilledStepsDownAndTheOtherTakesOver() {
    String name = "leadership-test:" + UUID.randomUUID();
    AtomicInteger firstElected = new AtomicInteger();
    AtomicInteger secondElected = new AtomicInteger();
    Leadership first = stand(name, firstElected);
    Await.until("a leader", Duration.ofSeconds(10), first::isLeader);
    Leadership second = stand(name, secondElected);
    Pool admin = PgBuilder.pool().connectingTo(Backing.postgres().connectOptions()).using(vertx).build();
    try {
      // PostgreSQL ends the leader's session, as when its process dies.
      admin.preparedQuery("SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
          + "WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = 'event-walker-leadership-test-leader'")
        .execute().await();
    } finally {
      admin.close().await();
    }
    // Until the kill takes effect the first still leads, alone: the wait is for the election after it (the second,
    // or the first again on a new session), with exactly one leader then.
    Await.until("exactly one new leader", Duration.ofSeconds(5),
      () -> firstElected.get() + secondElected.get() == 2 && first.isLeader() ^ second.isLeader());
  }
}
