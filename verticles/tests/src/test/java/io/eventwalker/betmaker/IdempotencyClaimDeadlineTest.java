package io.eventwalker.betmaker;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.TestSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §2: a 5xx from a write means nothing was stored. Claiming an {@code Idempotency-Key} is a
 * write: when the HTTP side stops waiting for the claim (here the keys' table is locked past
 * {@code REQUEST_TIMEOUT_MS}), the claim may still be stored, so the answer is "outcome unknown",
 * not a 503, and the retry with the same key learns where it stands.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyClaimDeadlineTest {

  private TestSystem system;

  @BeforeAll
  void start() {
    system = TestSystem.start(true, true, line -> { }, bets -> bets.put("REQUEST_TIMEOUT_MS", 1_000));
    long deadline = Instant.now().getEpochSecond() + 3600;
    assertThat(system.lineProvider().post("/event", "{\"event_id\":\"claim-held\",\"ratio\":2,\"deadline\":" + deadline + "}").status())
      .isEqualTo(201);
  }

  @AfterAll
  void stop() {
    system.close();
  }

  @Test
  void aClaimTheHttpSideStopsWaitingForIsAnsweredOutcomeUnknown() throws Exception {
    String keys = system.bmSchema() + ".idempotency_keys";
    Process holder = new ProcessBuilder("psql", "-h", env("PG_HOST", "127.0.0.1"), "-p", env("PG_PORT", "5432"),
      "-U", env("PG_USER", "postgres"), "-d", env("PG_DATABASE", "postgres"), "-q", "-c",
      "BEGIN; LOCK TABLE " + keys + " IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(4); COMMIT;")
      .redirectErrorStream(true).start();
    Await.until("the other transaction holds the keys' table", Duration.ofSeconds(10), () -> system.count(
      "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.query LIKE '%pg_sleep(4)%'"
        + " AND l.mode = 'AccessExclusiveLock'") > 0);

    String body = "{\"event_id\":\"claim-held\",\"sum_bet\":5}";
    Map<String, String> headers = Map.of("Content-Type", "application/json", "Idempotency-Key", "held-claim");
    Http.Response answer = system.betMaker().send("POST", "/bet", body, headers);
    assertThat(answer.status()).as(answer.body()).isEqualTo(500);
    assertThat(answer.object().getString("type")).isEqualTo("urn:event-walker:problem:outcome-unknown");
    assertThat(answer.object().getString("detail")).contains("no bet was placed");

    assertThat(holder.waitFor(20, TimeUnit.SECONDS)).isTrue();
    // The claim went on once the table was free: a 503 would have said nothing was stored.
    Await.until("the claim stored after its answer", Duration.ofSeconds(10),
      () -> system.count("SELECT count(*) FROM " + keys + " WHERE key = 'held-claim'") == 1);
    assertThat(system.count("SELECT count(*) FROM " + system.bmSchema() + ".bets")).as("no bet").isZero();
    Http.Response retry = system.betMaker().send("POST", "/bet", body, headers);
    assertThat(retry.status()).as("the retry learns the key is taken, for now: " + retry.body()).isEqualTo(409);
    assertThat(retry.header("Retry-After")).isNotNull();
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null ? fallback : value;
  }
}
