package io.eventwalker.betmaker;

import io.eventwalker.testing.Backing;
import io.eventwalker.testing.SystemTest;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /bets} lists bets in the order they were placed whichever pooled connection stored
 * each one: bets stored one after the other on two different database connections, alternately,
 * come back exactly reversed.
 */
class PlacementOrderTest extends SystemTest {

  @Test
  void betsStoredAlternatelyOnTwoConnectionsListNewestFirst() {
    String eventId = "order-two-connections";
    assertThat(system.lineProvider().post("/event", "{\"event_id\":\"" + eventId + "\",\"ratio\":2,\"deadline\":"
      + (Instant.now().getEpochSecond() + 3600) + "}").status()).isEqualTo(201);
    assertThat(system.betMaker().post("/bet", "{\"event_id\":\"" + eventId + "\",\"sum_bet\":1}").status()).isEqualTo(201);
    String first = system.betMaker().get("/bets?event_id=" + eventId).array().getJsonObject(0).getString("bet_id");

    PgConnectOptions options = Backing.postgres().connectOptions();
    PgConnection a = PgConnection.connect(system.vertx, options).await();
    PgConnection b = PgConnection.connect(system.vertx, options).await();
    try {
      List<String> placed = new ArrayList<>(List.of(first));
      String insert = "INSERT INTO " + system.bmSchema() + ".bets (bet_id, player_id, event_id, sum_bet, ratio, status)"
        + " VALUES (gen_random_uuid(), $2, $1, 1, 2, 'PENDING') RETURNING bet_id::text";
      for (int i = 0; i < 6; i++) {
        PgConnection connection = i % 2 == 0 ? a : b;
        placed.add(connection.preparedQuery(insert).execute(Tuple.of(eventId, TestSystem.PLAYER)).await().iterator().next().getString(0));
      }
      List<String> listed = new ArrayList<>();
      system.betMaker().get("/bets?event_id=" + eventId).array()
        .forEach(bet -> listed.add(((JsonObject) bet).getString("bet_id")));
      Collections.reverse(placed);
      assertThat(listed).isEqualTo(placed);
    } finally {
      a.close().await();
      b.close().await();
    }
  }
}
