package io.eventwalker.betmaker;

import io.eventwalker.platform.http.Problem;
import io.eventwalker.testing.Await;
import io.eventwalker.testing.Backing;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.TestSystem;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §2: a 5xx from {@code POST /bet} means nothing was stored and nothing will be stored later;
 * a retry with the same {@code Idempotency-Key} never doubles a bet, whatever happened to the first
 * attempt; the placement queue is bounded. The hostile cases: bet-maker's row of the event locked
 * past the deadline, a commit that is not confirmed in time (and then succeeds, or fails), a full
 * queue.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlacementDeadlineTest {

  private static final int PLACE_TIMEOUT_MS = 1_500;
  private static final int COMMIT_TIMEOUT_MS = 1_000;

  private TestSystem system;
  private Http bets;
  private PgConnectOptions database;

  @BeforeAll
  void start() {
    system = TestSystem.start(true, true, config -> config
      .put("BM_PLACE_TIMEOUT_MS", PLACE_TIMEOUT_MS)
      .put("BM_COMMIT_TIMEOUT_MS", COMMIT_TIMEOUT_MS));
    bets = system.betMaker();
    database = Backing.postgres().connectOptions();
  }

  @AfterAll
  void stop() {
    system.close();
  }

  /** An open event bet-maker already holds a row for (one bet placed on it). */
  private String eventWithOneBet(String id) {
    return eventWithOneBet(system, id);
  }

  private static String eventWithOneBet(TestSystem in, String id) {
    assertThat(in.lineProvider().post("/event", "{\"event_id\":\"" + id + "\",\"ratio\":2,\"deadline\":"
      + (Instant.now().getEpochSecond() + 3600) + "}").status()).isEqualTo(201);
    assertThat(in.betMaker().post("/bet", "{\"event_id\":\"" + id + "\",\"sum_bet\":1}").status()).isEqualTo(201);
    return id;
  }

  private Http.Response post(String body, String key) {
    return key == null ? bets.post("/bet", body)
      : bets.send("POST", "/bet", body, Map.of("Content-Type", "application/json", "Idempotency-Key", key));
  }

  private long stored(String eventId) {
    return system.count("SELECT count(*) FROM " + system.bmSchema() + ".bets WHERE event_id = $1", eventId);
  }

  /** Every connection of bet-maker's pool has finished what it was doing (committed or rolled back). */
  private void awaitBetMakerIdle() {
    Await.until("bet-maker's database connections idle", Duration.ofSeconds(20), () -> system.count(
      "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'event-walker-bet-maker'"
        + " AND state <> 'idle' AND pid <> pg_backend_pid()") == 0);
  }

  /** Another transaction holding bet-maker's row of the event until closed (it commits then). */
  private AutoCloseable lockEventRow(TestSystem in, String eventId) {
    PgConnection locker = PgConnection.connect(in.vertx, database).await();
    locker.query("BEGIN").execute().await();
    locker.preparedQuery("SELECT 1 FROM " + in.bmSchema() + ".events WHERE event_id = $1 FOR UPDATE").execute(Tuple.of(eventId)).await();
    return () -> {
      locker.query("COMMIT").execute().await();
      locker.close().await();
    };
  }

  /** Runs {@code placement} while another transaction holds bet-maker's row of the event; then lets it go. */
  private Http.Response whileTheEventRowIsLocked(String eventId, java.util.function.Supplier<Http.Response> placement) {
    try (AutoCloseable lock = lockEventRow(system, eventId)) {
      return placement.get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Waits until a placement of {@code in}'s bet-maker waits on a lock. */
  private static void awaitAPlacementWaitingOnTheLock(TestSystem in) {
    Await.until("a placement waiting on the lock", Duration.ofSeconds(10), () -> in.count(
      "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'event-walker-bet-maker' AND wait_event_type = 'Lock'") > 0);
  }

  @Test
  void aBetHeldUpPastItsDeadlineIsRefusedAndNeverStoredLater() {
    String eventId = eventWithOneBet("held-no-key");
    long started = System.nanoTime();
    Http.Response refused = whileTheEventRowIsLocked(eventId, () -> post("{\"event_id\":\"" + eventId + "\",\"sum_bet\":5}", null));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
    assertThat(refused.object().getString("detail")).contains("nothing was stored");
    assertThat(tookMs).as("answered at the deadline, not later").isLessThan(PLACE_TIMEOUT_MS + COMMIT_TIMEOUT_MS + 1_000);
    awaitBetMakerIdle();
    assertThat(stored(eventId)).as("the refused bet was not stored once the lock went away").isEqualTo(1);
  }

  @Test
  void aRetryOfABetHeldUpPastItsDeadlineStoresItExactlyOnce() {
    String eventId = eventWithOneBet("held-with-key");
    String body = "{\"event_id\":\"" + eventId + "\",\"sum_bet\":7}";
    Http.Response refused = whileTheEventRowIsLocked(eventId, () -> post(body, "held-1"));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
    awaitBetMakerIdle();
    assertThat(stored(eventId)).isEqualTo(1);

    Http.Response retry = post(body, "held-1");
    assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
    Http.Response again = post(body, "held-1");
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.body()).isEqualTo(retry.body());
    assertThat(stored(eventId)).as("one bet for one intended bet").isEqualTo(2);
  }

  /** Makes every COMMIT that completes the key {@code key} wait {@code seconds}, then (optionally) fail. */
  private void slowCommitOf(String key, double seconds, boolean thenFail) {
    String schema = system.bmSchema();
    String function = "slow_commit_" + key.replace('-', '_');
    system.sql("CREATE FUNCTION " + schema + "." + function + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
      + " IF NEW.key = '" + key + "' AND NEW.completed_at IS NOT NULL THEN PERFORM pg_sleep(" + seconds + ");"
      + (thenFail ? " RAISE EXCEPTION 'refused at commit';" : "")
      + " END IF; RETURN NULL; END $$");
    system.sql("CREATE CONSTRAINT TRIGGER " + function + " AFTER UPDATE ON " + schema + ".idempotency_keys"
      + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION " + schema + "." + function + "()");
  }

  @Test
  void aCommitNotConfirmedInTimeSaysTheOutcomeIsUnknownAndTheRetryLearnsItWasStored() {
    String eventId = eventWithOneBet("unknown-stored");
    String body = "{\"event_id\":\"" + eventId + "\",\"sum_bet\":9}";
    slowCommitOf("unknown-1", 2.5, false);
    Http.Response unknown = post(body, "unknown-1");
    assertThat(unknown.status()).as(unknown.toString()).isEqualTo(500);
    assertThat(unknown.contentType()).startsWith("application/problem+json");
    assertThat(unknown.object().getString("type")).isEqualTo(Problem.OUTCOME_UNKNOWN);

    Http.Response whileCommitting = post(body, "unknown-1");
    assertThat(whileCommitting.status()).as("the first attempt may still commit").isEqualTo(409);
    Http.Response replayed = Await.value("the retry to learn the outcome", Duration.ofSeconds(20),
      () -> post(body, "unknown-1"), response -> response.status() != 409);
    assertThat(replayed.status()).as(replayed.toString()).isEqualTo(201);
    assertThat(replayed.header("Idempotent-Replayed")).isEqualTo("true");
    awaitBetMakerIdle();
    assertThat(stored(eventId)).as("the one bet the first attempt committed, and no other").isEqualTo(2);
  }

  @Test
  void aCommitThatFailsAfterItsOutcomeWasUnknownLetsTheRetryPlaceTheBetOnce() {
    String eventId = eventWithOneBet("unknown-failed");
    String body = "{\"event_id\":\"" + eventId + "\",\"sum_bet\":11}";
    slowCommitOf("unknown-2", 2.0, true);
    Http.Response unknown = post(body, "unknown-2");
    assertThat(unknown.status()).as(unknown.toString()).isEqualTo(500);
    assertThat(unknown.object().getString("type")).isEqualTo(Problem.OUTCOME_UNKNOWN);
    system.sql("DROP TRIGGER slow_commit_unknown_2 ON " + system.bmSchema() + ".idempotency_keys");

    // 409 while the first attempt may still commit; once its claim lapsed and its transaction is
    // over (it failed), the retry takes the key over and places the bet afresh.
    Http.Response placed = Await.value("the retry to place the bet", Duration.ofSeconds(30),
      () -> post(body, "unknown-2"), response -> response.status() != 409);
    assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
    assertThat(placed.header("Idempotent-Replayed")).isNull();
    assertThat(post(body, "unknown-2").body()).isEqualTo(placed.body());
    awaitBetMakerIdle();
    assertThat(stored(eventId)).isEqualTo(2);
  }

  @Test
  void aFullPlacementQueueRefusesAtOnceAndStoresNothing() throws Exception {
    try (TestSystem small = TestSystem.start(true, true, config -> config
      .put("BM_PLACE_TIMEOUT_MS", 10_000)
      .put("BM_BET_GROUPS_IN_FLIGHT", 1)
      .put("BM_PLACE_QUEUE_MAX", 2))) {
      Http smallBets = small.betMaker();
      String eventId = eventWithOneBet(small, "queue-full");
      Map<String, CompletableFuture<Http.Response>> sent = new java.util.LinkedHashMap<>();
      Http.Response refusedAtOnce = null;
      try (AutoCloseable lock = lockEventRow(small, eventId)) {
        // One group in flight, held by the lock; the requests after it wait in the queue (2 bets at most).
        sent.put("[2.00]", CompletableFuture.supplyAsync(() -> smallBets.post("/bet", "{\"event_id\":\"" + eventId + "\",\"sum_bet\":2}")));
        awaitAPlacementWaitingOnTheLock(small);
        sent.put("[3.00, 3.01]", CompletableFuture.supplyAsync(() -> smallBets.post("/bet",
          "[{\"event_id\":\"" + eventId + "\",\"sum_bet\":3},{\"event_id\":\"" + eventId + "\",\"sum_bet\":3.01}]")));
        for (int probe = 0; probe < 5 && refusedAtOnce == null; probe++) {
          String sum = "4.0" + probe;
          long started = System.nanoTime();
          CompletableFuture<Http.Response> answer = CompletableFuture.supplyAsync(() -> smallBets.post("/bet",
            "{\"event_id\":\"" + eventId + "\",\"sum_bet\":" + sum + "}"));
          sent.put("[" + sum + "]", answer);
          try {
            Http.Response response = answer.get(2, TimeUnit.SECONDS); // a full queue answers at once
            assertThat(response.status()).as(response.toString()).isEqualTo(503);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(2_000);
            refusedAtOnce = response;
          } catch (java.util.concurrent.TimeoutException queued) {
            // it found room in the queue: it waits behind the lock like the others
          }
        }
      }
      assertThat(refusedAtOnce).as("a bet beyond the full queue is refused at once").isNotNull();
      assertThat(refusedAtOnce.object().getString("detail")).contains("nothing was stored");
      List<String> accepted = new ArrayList<>();
      sent.forEach((sums, answer) -> {
        Http.Response response = answer.join();
        assertThat(response.status()).as(sums + " " + response).isIn(201, 503);
        if (response.status() == 201) {
          accepted.addAll(List.of(sums.substring(1, sums.length() - 1).split(", ")));
        }
      });
      List<String> stored = new ArrayList<>();
      small.sql("SELECT sum_bet::text AS s FROM " + small.bmSchema() + ".bets WHERE sum_bet <> 1 ORDER BY sum_bet")
        .forEach(row -> stored.add(row.getString("s")));
      assertThat(stored).containsExactlyInAnyOrderElementsOf(accepted);
    }
  }

  /** One player's batches fill only the player's share of the placement queue; another player's bet still finds room. */
  @Test
  void onePlayersBatchesLeaveRoomInTheQueueForOthers() throws Exception {
    try (TestSystem small = TestSystem.start(true, true, config -> config
      .put("BM_PLACE_TIMEOUT_MS", 10_000).put("BM_BET_GROUPS_IN_FLIGHT", 1).put("BM_PLACE_QUEUE_MAX", 4000)
      .put("BM_RATE_LIMIT_PER_S", 0))) { // the share: max(1000, 4000 × 32 / 128) = 1000 bets a player
      String eventId = eventWithOneBet(small, "shared-queue");
      StringBuilder batch = new StringBuilder("[");
      for (int i = 0; i < 1000; i++) {
        batch.append(i == 0 ? "" : ",").append("{\"event_id\":\"").append(eventId).append("\",\"sum_bet\":1}");
      }
      String thousand = batch.append("]").toString();
      Http alice = small.betMaker().as(small.token("alice"));
      Http bob = small.betMaker().as(small.token("bob"));
      CompletableFuture<Http.Response> bobs;
      List<CompletableFuture<Http.Response>> alices = new ArrayList<>();
      try (AutoCloseable lock = lockEventRow(small, eventId)) {
        alices.add(CompletableFuture.supplyAsync(() -> alice.post("/bet", thousand))); // in flight, held by the lock
        awaitAPlacementWaitingOnTheLock(small);
        alices.add(CompletableFuture.supplyAsync(() -> alice.post("/bet", thousand))); // waits: alice's share
        Await.until("alice's second batch waiting in the queue", Duration.ofSeconds(10),
          () -> small.betMaker().get("/metrics").body().contains("bet_maker_bets_waiting 1000.0"));
        Http.Response third = alice.post("/bet", thousand);
        assertThat(third.status()).isEqualTo(503);
        assertThat(third.object().getString("detail")).contains("as one player may");
        bobs = CompletableFuture.supplyAsync(() -> bob.post("/bet", "{\"event_id\":\"" + eventId + "\",\"sum_bet\":2}"));
        Await.until("bob's bet waiting in the queue beside alice's second batch, not refused", Duration.ofSeconds(10),
          () -> small.betMaker().get("/metrics").body().contains("bet_maker_bets_waiting 1001.0"));
        assertThat(bobs).isNotDone();
      }
      assertThat(bobs.get(30, TimeUnit.SECONDS).status()).as("bob's bet placed once the lock went").isEqualTo(201);
      for (CompletableFuture<Http.Response> answer : alices) {
        assertThat(answer.get(30, TimeUnit.SECONDS).status()).isIn(201, 503);
      }
    }
  }

  @Test
  void requestsBeyondTheConcurrencyCapAreRefusedAtOnceWhileHealthStaysUp() throws Exception {
    try (TestSystem capped = TestSystem.start(true, true, config -> config
      .put("BM_HTTP_INSTANCES", 1).put("BM_MAX_CONCURRENT_REQUESTS", 1).put("BM_PLACE_TIMEOUT_MS", 10_000))) {
      Http cappedBets = capped.betMaker();
      String eventId = eventWithOneBet(capped, "capped");
      CompletableFuture<Http.Response> held;
      try (AutoCloseable lock = lockEventRow(capped, eventId)) {
        held = CompletableFuture.supplyAsync(() -> cappedBets.post("/bet", "{\"event_id\":\"" + eventId + "\",\"sum_bet\":2}"));
        awaitAPlacementWaitingOnTheLock(capped);
        long started = System.nanoTime();
        Http.Response refused = cappedBets.get("/bets?event_id=" + eventId);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isNotNull();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(1_000);
        assertThat(cappedBets.get("/health").status()).isEqualTo(200);
      }
      assertThat(held.join().status()).isEqualTo(201);
      assertThat(cappedBets.get("/bets?event_id=" + eventId).status()).as("its place is free again").isEqualTo(200);
    }
  }

  @Test
  void theLargestRealBatchFitsTheBodyLimitAndALargerBodyGets413() {
    StringBuilder batch = new StringBuilder("[\n");
    for (int i = 0; i < 1000; i++) {
      batch.append(i == 0 ? "" : ",\n").append("  {\n    \"event_id\": \"").append("x".repeat(64))
        .append("\",\n    \"sum_bet\": \"1000000.00\"\n  }");
    }
    String body = batch.append("\n]").toString();
    Http.Response largest = bets.post("/bet", body);
    assertThat(largest.status()).as("1000 bets with the longest ids and stakes, indented (%d bytes), are read: the event is unknown",
      body.length()).isEqualTo(404);
    String tooLarge = body + " ".repeat(system.betMakerConfig.getInteger("BM_MAX_BODY_BYTES") - body.length() + 1);
    assertThat(bets.post("/bet", tooLarge).status()).isEqualTo(413);
  }
}
