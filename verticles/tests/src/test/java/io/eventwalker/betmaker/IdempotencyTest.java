package io.eventwalker.betmaker;

import io.eventwalker.testing.Http;
import io.eventwalker.testing.TestSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code Idempotency-Key} on {@code POST /bet} (SPEC §2). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyTest {

  private TestSystem system;
  private Http bets;

  @BeforeAll
  void start() {
    system = TestSystem.both();
    bets = system.betMaker();
    long deadline = Instant.now().getEpochSecond() + 3600;
    assertThat(system.lineProvider().post("/event", "{\"event_id\":\"idem\",\"ratio\":2,\"deadline\":" + deadline + "}").status()).isEqualTo(201);
  }

  @AfterAll
  void stop() {
    system.close();
  }

  private Http.Response post(String key, String body) {
    return bets.send("POST", "/bet", body, Map.of("Content-Type", "application/json", "Idempotency-Key", key));
  }

  private long betsStored() {
    return system.count("SELECT count(*) FROM " + system.bmSchema() + ".bets");
  }

  @Test
  void aRetryGetsTheFirstAnswerAndCreatesNothing() {
    String body = "{\"event_id\":\"idem\",\"sum_bet\":12.5}";
    Http.Response first = post("retry-1", body);
    assertThat(first.status()).isEqualTo(201);
    long stored = betsStored();
    Http.Response again = post("retry-1", body);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(betsStored()).isEqualTo(stored);

    String batch = "[{\"event_id\":\"idem\",\"sum_bet\":1},{\"event_id\":\"idem\",\"sum_bet\":2}]";
    Http.Response batchFirst = post("retry-batch", batch);
    assertThat(batchFirst.status()).isEqualTo(201);
    assertThat(post("retry-batch", batch).body()).isEqualTo(batchFirst.body());
    assertThat(betsStored()).isEqualTo(stored + 2);
  }

  /** The first answer again means its headers too: a single bet's 201 says where the bet is, and so does its replay. */
  @Test
  void aReplayCarriesTheFirstAnswersLocation() {
    String body = "{\"event_id\":\"idem\",\"sum_bet\":7}";
    Http.Response first = post("located-1", body);
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.header("Location")).isEqualTo("/bet/" + first.object().getString("bet_id"));
    Http.Response again = post("located-1", body);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.header("Location")).isEqualTo(first.header("Location"));
    assertThat(bets.get(again.header("Location")).status()).as("the bet is where the replay says").isEqualTo(200);

    String batch = "[{\"event_id\":\"idem\",\"sum_bet\":1}]";
    assertThat(post("located-batch", batch).header("Location")).as("a batch's 201 has no Location").isNull();
    Http.Response batchAgain = post("located-batch", batch);
    assertThat(batchAgain.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(batchAgain.header("Location")).as("nor has its replay").isNull();
  }

  @Test
  void theSameKeyWithAnotherBodyIsRefused() {
    assertThat(post("reuse-1", "{\"event_id\":\"idem\",\"sum_bet\":3}").status()).isEqualTo(201);
    long stored = betsStored();
    Http.Response other = post("reuse-1", "{\"event_id\":\"idem\",\"sum_bet\":4}");
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.contentType()).startsWith("application/problem+json");
    assertThat(betsStored()).isEqualTo(stored);
  }

  @Test
  void aRetryWhileTheFirstIsInFlightGets409() throws Exception {
    String body = "{\"event_id\":\"idem\",\"sum_bet\":5}";
    // The first request holds the key but has not finished (as if it were still running).
    system.sql("INSERT INTO " + system.bmSchema() + ".idempotency_keys (player_id, key, request_hash, claim_token, claimed_until)"
      + " VALUES ($1, $2, $3, gen_random_uuid(), now() + interval '1 hour')", TestSystem.PLAYER, "in-flight-1", hash(body));
    long stored = betsStored();
    Http.Response retry = post("in-flight-1", body);
    assertThat(retry.status()).isEqualTo(409);
    assertThat(retry.header("Retry-After")).isNotNull();
    assertThat(betsStored()).isEqualTo(stored);
  }

  @Test
  void aFailedRequestReleasesItsKey() {
    String body = "{\"event_id\":\"idem-later\",\"sum_bet\":5}";
    assertThat(post("released-1", body).status()).isEqualTo(404);
    long deadline = Instant.now().getEpochSecond() + 3600;
    system.lineProvider().post("/event", "{\"event_id\":\"idem-later\",\"ratio\":2,\"deadline\":" + deadline + "}");
    assertThat(post("released-1", body).status()).isEqualTo(201);
  }

  /** The key is free when the refusal is answered, not a moment later: an immediate retry is answered afresh, never 409. */
  @Test
  void aRetryRightAfterARefusalFindsTheKeyFree() {
    for (int i = 0; i < 50; i++) {
      String key = "immediate-" + i;
      String body = "{\"event_id\":\"idem-nowhere\",\"sum_bet\":5}";
      assertThat(post(key, body).status()).isEqualTo(404);
      Http.Response retry = post(key, body);
      assertThat(retry.status()).as("retry " + i + ": " + retry).isEqualTo(404);
    }
  }

  @Test
  void keysAreKeptInPostgresql() {
    post("kept-1", "{\"event_id\":\"idem\",\"sum_bet\":6}");
    assertThat(system.count("SELECT count(*) FROM " + system.bmSchema()
      + ".idempotency_keys WHERE key = 'kept-1' AND status_code = 201 AND response IS NOT NULL")).isEqualTo(1);
  }

  private static String hash(String body) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    digest.update("POST /bet\n".getBytes(StandardCharsets.UTF_8));
    digest.update(body.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest.digest());
  }
}
