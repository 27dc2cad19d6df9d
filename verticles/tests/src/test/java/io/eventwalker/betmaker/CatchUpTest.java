package io.eventwalker.betmaker;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.Backing;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.TestSystem;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** A missed update never leaves a bet pending forever (SPEC §3.6). */
class CatchUpTest {

  private TestSystem system;

  @AfterEach
  void stop() {
    system.close();
  }

  @Test
  void aResultNobodyWasToldAboutIsStillSettled() {
    system = TestSystem.start(true, true, config -> config.put("BM_CATCH_UP_INTERVAL_MS", 500));
    Http line = system.lineProvider();
    Http bets = system.betMaker();
    line.post("/event", "{\"event_id\":\"missed\",\"ratio\":1.5,\"deadline\":" + (Instant.now().getEpochSecond() + 3600) + "}");
    assertThat(bets.post("/bet", "{\"event_id\":\"missed\",\"sum_bet\":10}").status()).isEqualTo(201);

    // Redis forgets the subscription (as after a restart): the finish is published to nobody.
    Redis redis = Redis.createClient(system.vertx, Backing.redis().url());
    try {
      redis.send(Request.cmd(Command.DEL).arg(system.lineProviderConfig.getString("LP_REDIS_PREFIX") + "subscribers:missed")).await();
    } finally {
      redis.close();
    }
    assertThat(line.put("/event", "{\"event_id\":\"missed\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);

    Await.until("catch-up to settle the bet", Duration.ofSeconds(15),
      () -> bets.get("/bets?event_id=missed&status=WON").array().size() == 1);
    assertThat(bets.get("/bets?event_id=missed").array().getJsonObject(0).getDouble("payout")).isEqualTo(15.0);
  }

  @Test
  void updatesPublishedWhileBetMakerIsDownAreAppliedWhenItReturns() {
    system = TestSystem.both();
    Http line = system.lineProvider();
    line.post("/event", "{\"event_id\":\"while-down\",\"ratio\":2,\"deadline\":" + (Instant.now().getEpochSecond() + 3600) + "}");
    assertThat(system.betMaker().post("/bet", "{\"event_id\":\"while-down\",\"sum_bet\":4}").status()).isEqualTo(201);
    system.stopBetMaker();
    assertThat(line.put("/event", "{\"event_id\":\"while-down\",\"status\":\"FINISHED_LOSE\"}").status()).isEqualTo(200);
    system.startBetMaker();
    Await.until("the durable update to settle the bet", Duration.ofSeconds(15),
      () -> system.betMaker().get("/bets?event_id=while-down&status=LOST").array().size() == 1);
  }
}
