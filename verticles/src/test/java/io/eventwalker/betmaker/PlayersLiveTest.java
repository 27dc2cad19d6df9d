package io.eventwalker.betmaker;

import io.eventwalker.testing.BridgeClient;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.Jwts;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Settlement pushes are their owner's (SPEC §3.5): {@code bets.<bet_id>} and
 * {@code players.<player_id>} are registered only with the owner's token in the frame's headers;
 * anyone else, or nobody, gets an error frame and hears nothing. {@code events.*} stays public.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlayersLiveTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private TestSystem system;
  private int port;

  @BeforeAll
  void start() {
    system = TestSystem.both();
    String base = system.betMaker().base();
    port = Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
  }

  @AfterAll
  void stop() {
    system.close();
  }

  @Test
  void onlyTheOwnerHearsABetsAndAPlayersSettlements() {
    Http line = system.lineProvider();
    String alice = system.token("alice");
    String bob = system.token("bob");
    assertThat(line.post("/event", "{\"event_id\":\"live-players\",\"ratio\":1.50,\"deadline\":"
      + (Instant.now().getEpochSecond() + 3600) + "}").status()).isEqualTo(201);
    JsonObject bet = system.betMaker().as(alice).post("/bet", "{\"event_id\":\"live-players\",\"sum_bet\":\"4.00\"}").object();
    String betAddress = "bets." + bet.getString("bet_id");

    try (BridgeClient owner = new BridgeClient(system.vertx, port); BridgeClient stranger = new BridgeClient(system.vertx, port);
         BridgeClient anonymous = new BridgeClient(system.vertx, port)) {
      for (String[] refused : new String[][] {{betAddress, bob}, {"players.alice", bob},
        {betAddress, Jwts.unsigned(Jwts.claims("alice", 600))}, {"players.alice", Jwts.sign(system.secret, Jwts.claims("alice", -60))}}) {
        stranger.register(refused[0], refused[1]);
        assertThat(stranger.nextError(WAIT).getString("body")).as("register " + refused[0]).isEqualTo("rejected");
      }
      anonymous.register(betAddress);
      assertThat(anonymous.nextError(WAIT).getString("body")).isEqualTo("rejected");
      anonymous.register("players.alice");
      assertThat(anonymous.nextError(WAIT).getString("body")).isEqualTo("rejected");
      anonymous.register("events.live-players");

      owner.register(betAddress, alice);
      owner.register("players.alice", alice);
      owner.sync();
      stranger.sync();
      anonymous.sync();

      assertThat(line.put("/event", "{\"event_id\":\"live-players\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
      assertThat(owner.nextOn(betAddress, WAIT).getJsonObject("body").getString("status")).isEqualTo("WON");
      JsonObject perPlayer = owner.nextOn("players.alice", WAIT).getJsonObject("body");
      assertThat(perPlayer.getString("bet_id")).isEqualTo(bet.getString("bet_id"));
      assertThat(new java.math.BigDecimal(perPlayer.getValue("payout").toString())).isEqualByComparingTo("6.00");
      assertThat(anonymous.nextOn("events.live-players", WAIT).getJsonObject("body").getString("status"))
        .as("events stay public").isEqualTo("FINISHED_WIN");

      // Nothing of alice's reached the others: a later public message arrives, and nothing before it was hers.
      assertThat(stranger.drain()).noneMatch(frame -> "rec".equals(frame.getString("type")));
      assertThat(anonymous.drain()).noneMatch(frame -> frame.getString("address", "").startsWith("bets.")
        || frame.getString("address", "").startsWith("players."));
    }
  }
}
