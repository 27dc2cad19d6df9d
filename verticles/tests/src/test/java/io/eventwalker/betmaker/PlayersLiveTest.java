package io.eventwalker.betmaker;

import io.eventwalker.testing.Await;
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
import java.util.ArrayList;
import java.util.List;

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
      // The later public event: its change, pushed after alice's settlement, proves each socket had its chance to hear hers.
      anonymous.register("events.live-players-later");
      stranger.register("events.live-players-later");
      stranger.sync();
      anonymous.sync();

      BridgeRegistrations.registerOwned(system, owner, betAddress, alice);
      BridgeRegistrations.registerOwned(system, owner, "players.alice", alice);

      assertThat(line.put("/event", "{\"event_id\":\"live-players\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
      assertThat(owner.nextOn(betAddress, WAIT).getJsonObject("body").getString("status")).isEqualTo("WON");
      JsonObject perPlayer = owner.nextOn("players.alice", WAIT).getJsonObject("body");
      assertThat(perPlayer.getString("bet_id")).isEqualTo(bet.getString("bet_id"));
      assertThat(new java.math.BigDecimal(perPlayer.getValue("payout").toString())).isEqualByComparingTo("6.00");

      // Nothing of alice's reached the others. Her pushes follow the event's own in the same settlement, so the
      // finish heard on events.live-players proves nothing: the proof is a change of another event, pushed after
      // them (settlement pushes in order), heard by each socket; nothing before it was hers.
      assertThat(line.post("/event", "{\"event_id\":\"live-players-later\",\"ratio\":1.50,\"deadline\":"
        + (Instant.now().getEpochSecond() + 3600) + "}").status()).isEqualTo(201);
      assertThat(system.betMaker().as(alice).post("/bet", "{\"event_id\":\"live-players-later\",\"sum_bet\":\"1.00\"}").status())
        .isEqualTo(201);
      assertThat(line.put("/event", "{\"event_id\":\"live-players-later\",\"ratio\":1.60}").status()).isEqualTo(200);
      List<JsonObject> heardByAnonymous = heardUntilTheLaterChange(anonymous);
      assertThat(heardByAnonymous).as("events stay public").anyMatch(frame -> "events.live-players".equals(frame.getString("address"))
        && "FINISHED_WIN".equals(frame.getJsonObject("body").getString("status")));
      assertThat(heardByAnonymous).noneMatch(frame -> frame.getString("address", "").startsWith("bets.")
        || frame.getString("address", "").startsWith("players."));
      assertThat(heardUntilTheLaterChange(stranger)).filteredOn(frame -> "rec".equals(frame.getString("type")))
        .allMatch(frame -> "events.live-players-later".equals(frame.getString("address")));
    }
  }

  /** Every frame {@code client} received up to the later event's ratio change, which it must hear. */
  private static List<JsonObject> heardUntilTheLaterChange(BridgeClient client) {
    List<JsonObject> heard = new ArrayList<>();
    Await.until("the later event's change heard", WAIT, () -> {
      heard.addAll(client.drain());
      return heard.stream().anyMatch(frame -> "rec".equals(frame.getString("type"))
        && "events.live-players-later".equals(frame.getString("address")));
    });
    return heard;
  }
}
