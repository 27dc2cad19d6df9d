package io.eventwalker.lineprovider;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.Backing;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.Future;
import io.vertx.pgclient.PgConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §2: a 5xx from a write stores nothing, now or later. A change held up past its request's
 * time limit (here by a lock another transaction holds on the event) is answered 503 and is never
 * committed once the lock goes. A change the HTTP side stops waiting for (the repository had no
 * connection to give it: the pool's only one is stuck) is not a 503, since it may still commit, but
 * "outcome unknown".
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LineProviderWriteDeadlineTest {

  private TestSystem system;
  private Http line;

  @BeforeAll
  void start() {
    // One connection, waited for longer than the HTTP side waits for a write (1 s + the COMMIT's 5 s + 1 s).
    system = TestSystem.start(true, false, config -> config.put("REQUEST_TIMEOUT_MS", 1_000)
      .put("PG_POOL_SIZE", 1).put("PG_POOL_WAIT_MS", 30_000).put("PG_STATEMENT_TIMEOUT_MS", 30_000), config -> { });
    line = system.lineProvider();
  }

  @AfterAll
  void stop() {
    system.close();
  }

  @Test
  void aChangeHeldPastItsTimeLimitIsAnswered503AndNeverStored() throws Exception {
    long deadline = Instant.now().getEpochSecond() + 3600;
    assertThat(line.post("/event", "{\"event_id\":\"held\",\"ratio\":2,\"deadline\":" + deadline + "}").status()).isEqualTo(201);
    long outboxBefore = system.count("SELECT count(*) FROM " + system.lpSchema() + ".outbox WHERE event_id = 'held'");

    // Another transaction holds the event's row until the change has been answered: past the change's 1 s, however
    // long the change takes to reach the row on a busy machine.
    PgConnection holder = PgConnection.connect(system.vertx, Backing.postgres().connectOptions()).await();
    Http.Response answer;
    long tookMs;
    try {
      holder.query("BEGIN").execute().await();
      holder.preparedQuery("SELECT 1 FROM " + system.lpSchema() + ".events WHERE event_id = 'held' FOR UPDATE").execute().await();
      long asked = System.nanoTime();
      answer = line.put("/event", "{\"event_id\":\"held\",\"ratio\":3}");
      tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
    } finally {
      holder.query("COMMIT").execute().await();
      holder.close().await();
    }
    assertThat(answer.status()).as(answer.body()).isEqualTo(503);
    assertThat(answer.contentType()).startsWith("application/problem+json");
    assertThat(tookMs).as("answered about when the time limit ran out").isLessThan(2_500);

    // The lock is gone: a change that had only been waiting for it would go on and commit now.
    // Once no connection of line-provider's is inside a transaction, none of it can commit later.
    Await.until("line-provider's connections out of any transaction", Duration.ofSeconds(10), () -> system.count(
      "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'event-walker-line-provider'"
        + " AND state IN ('active', 'idle in transaction', 'idle in transaction (aborted)')") == 0);
    Http.Response after = line.get("/event/held");
    assertThat(after.object().getLong("version")).as("not changed").isEqualTo(1L);
    assertThat(after.object().getDouble("ratio")).isEqualTo(2.0);
    assertThat(system.count("SELECT count(*) FROM " + system.lpSchema() + ".outbox WHERE event_id = 'held'"))
      .as("no update published").isEqualTo(outboxBefore);
    // And the next change goes through.
    assertThat(line.put("/event", "{\"event_id\":\"held\",\"ratio\":3}").object().getLong("version")).isEqualTo(2L);
  }

  @Test
  void aChangeTheHttpSideStopsWaitingForIsAnsweredOutcomeUnknown() throws Exception {
    long deadline = Instant.now().getEpochSecond() + 3600;
    assertThat(line.post("/event", "{\"event_id\":\"unanswered\",\"ratio\":2,\"deadline\":" + deadline + "}").status()).isEqualTo(201);
    awaitIdle();

    // Another transaction holds the whole events table for 12 s: a read takes the pool's only connection and waits on it.
    PgConnection holding = PgConnection.connect(system.vertx, Backing.postgres().connectOptions()).await();
    Future<?> holder = holding.query("BEGIN; LOCK TABLE " + system.lpSchema() + ".events IN ACCESS EXCLUSIVE MODE;"
      + " SELECT pg_sleep(12); COMMIT;").execute().eventually(holding::close);
    Await.until("the other transaction holds the table", Duration.ofSeconds(10), () -> system.count(
      "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.query LIKE '%pg_sleep(12)%'"
        + " AND l.mode = 'AccessExclusiveLock'") > 0);
    assertThat(line.get("/event/unanswered").status()).as("a read given up on (503: a read stores nothing)").isEqualTo(503);
    Await.until("the read waiting on the table with the pool's connection", Duration.ofSeconds(10), () -> system.count(
      "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'event-walker-line-provider' AND wait_event_type = 'Lock'") > 0);

    long asked = System.nanoTime();
    Http.Response answer = line.put("/event", "{\"event_id\":\"unanswered\",\"ratio\":3}");
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
    assertThat(answer.status()).as(answer.body()).isEqualTo(500);
    assertThat(answer.contentType()).startsWith("application/problem+json");
    assertThat(answer.object().getString("type")).isEqualTo("urn:event-walker:problem:outcome-unknown");
    assertThat(tookMs).as("answered when the HTTP side's wait ran out, before the table was free").isLessThan(11_000);

    holder.await(30, TimeUnit.SECONDS);
    awaitIdle();
    // Here the repository got its connection after the change's deadline and wrote nothing: the answer said it might have.
    assertThat(line.get("/event/unanswered").object().getLong("version")).isEqualTo(1L);
  }

  private void awaitIdle() {
    Await.until("line-provider's connections out of any transaction", Duration.ofSeconds(20), () -> system.count(
      "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'event-walker-line-provider'"
        + " AND state IN ('active', 'idle in transaction', 'idle in transaction (aborted)')") == 0);
  }
}
