package io.eventwalker.betmaker;

import io.eventwalker.testing.Http;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bets belong to players (SPEC §5): a player reads and lists only their own bets, another
 * player's bet is a 404 indistinguishable from an unknown id, and an {@code Idempotency-Key} is
 * each player's own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlayersTest {

  private TestSystem system;
  private Http alice;
  private Http bob;

  @BeforeAll
  void start() {
    system = TestSystem.both();
    alice = system.betMaker().as(system.token("alice"));
    bob = system.betMaker().as(system.token("bob"));
    long deadline = Instant.now().getEpochSecond() + 3600;
    assertThat(system.lineProvider().post("/event", "[{\"event_id\":\"players-1\",\"ratio\":2.50,\"deadline\":" + deadline + "},"
      + "{\"event_id\":\"players-2\",\"ratio\":1.50,\"deadline\":" + deadline + "}]").status()).isEqualTo(201);
  }

  @AfterAll
  void stop() {
    system.close();
  }

  @Test
  void aPlayerSeesOnlyTheirOwnBets() {
    JsonObject alicesBet = alice.post("/bet", "{\"event_id\":\"players-1\",\"sum_bet\":10}").object();
    assertThat(alicesBet.getString("player_id")).isEqualTo("alice");
    JsonObject bobsBet = bob.post("/bet", "{\"event_id\":\"players-1\",\"sum_bet\":20}").object();
    assertThat(bobsBet.getString("player_id")).isEqualTo("bob");

    assertThat(alice.get("/bet/" + alicesBet.getString("bet_id")).status()).isEqualTo(200);
    Http.Response stranger = bob.get("/bet/" + alicesBet.getString("bet_id"));
    Http.Response unknown = bob.get("/bet/01234567-89ab-7def-8123-456789abcdef");
    assertThat(stranger.status()).isEqualTo(404);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(stranger.object().copy().put("detail", "")).as("another player's bet reads as an unknown one")
      .isEqualTo(unknown.object().copy().put("detail", ""));
    assertThat(stranger.body()).doesNotContain("alice");

    assertThat(ids(alice.get("/bets?event_id=players-1").array())).contains(alicesBet.getString("bet_id"))
      .doesNotContain(bobsBet.getString("bet_id"));
    assertThat(ids(bob.get("/bets").array())).contains(bobsBet.getString("bet_id")).doesNotContain(alicesBet.getString("bet_id"));
    assertThat(ids(bob.get("/bets?status=PENDING&limit=1000").array())).doesNotContain(alicesBet.getString("bet_id"));
  }

  @Test
  void anIdempotencyKeyIsEachPlayersOwn() {
    Map<String, String> key = Map.of("Content-Type", "application/json", "Idempotency-Key", "players-order-1");
    Http.Response first = alice.send("POST", "/bet", "{\"event_id\":\"players-2\",\"sum_bet\":7}", key);
    assertThat(first.status()).isEqualTo(201);
    Http.Response replay = alice.send("POST", "/bet", "{\"event_id\":\"players-2\",\"sum_bet\":7}", key);
    assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(replay.body()).isEqualTo(first.body());

    // bob, same key, same body: his own bet, not alice's answer.
    Http.Response bobs = bob.send("POST", "/bet", "{\"event_id\":\"players-2\",\"sum_bet\":7}", key);
    assertThat(bobs.status()).isEqualTo(201);
    assertThat(bobs.header("Idempotent-Replayed")).isNull();
    assertThat(bobs.object().getString("player_id")).isEqualTo("bob");
    assertThat(bobs.object().getString("bet_id")).isNotEqualTo(first.object().getString("bet_id"));
    // bob, same key, another body: a mismatch with his own first use of it, not with alice's.
    assertThat(bob.send("POST", "/bet", "{\"event_id\":\"players-2\",\"sum_bet\":8}", key).status())
      .as("bob's own key now holds his first body").isEqualTo(422);
    assertThat(system.count("SELECT count(*) FROM " + system.bmSchema() + ".bets WHERE event_id = 'players-2'")).isEqualTo(2);
  }

  private static java.util.List<String> ids(JsonArray bets) {
    return bets.stream().map(bet -> ((JsonObject) bet).getString("bet_id")).toList();
  }
}
