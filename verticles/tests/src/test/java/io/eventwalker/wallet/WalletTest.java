package io.eventwalker.wallet;

import io.eventwalker.betmaker.wallet.LedgerChecks;
import io.eventwalker.testing.Await;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.Jwts;
import io.eventwalker.testing.SystemTest;
import io.eventwalker.testing.Wallets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wallet (SPEC §7) as a player and an operator use it: deposits and withdrawals under their
 * keys, a bet's stake debited with it, a settlement's payout or refund credited, the entries, and
 * the ledger's invariants after every test.
 */
class WalletTest extends SystemTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  private io.vertx.sqlclient.SqlClient ledger;

  @AfterEach
  void ledgerHolds() {
    if (ledger == null) {
      ledger = system.sqlClient(system.bmSchema());
    }
    assertThat(LedgerChecks.run(ledger).await()).as("ledger verify").isEmpty();
  }

  /** A player with no money yet, and bet-maker as them. */
  private Http newPlayer(String name) {
    return bets.as(Jwts.player(system.secret, name));
  }

  private String openEvent(String ratio) {
    String id = "wallet-" + UUID.randomUUID();
    assertThat(line.post("/event", "{\"event_id\":\"" + id + "\",\"ratio\":" + ratio + ",\"deadline\":" + deadline + "}").status()).isEqualTo(201);
    return id;
  }

  private static BigDecimal money(JsonObject json, String field) {
    return new BigDecimal(json.getValue(field).toString());
  }

  private BigDecimal balance(Http player) {
    return money(player.get("/wallet").object(), "balance");
  }

  private Http.Response move(String path, String player, String amount, String key) {
    return system.betMakerOperator().send("POST", path, "{\"player_id\":\"" + player + "\",\"amount\":\"" + amount + "\"}",
      Map.of("Content-Type", "application/json", "Idempotency-Key", key));
  }

  @Test
  void aDepositRetriedWithItsKeyIsMadeOnce() {
    String player = "depositor-" + UUID.randomUUID();
    Http wallet = newPlayer(player);
    JsonObject empty = wallet.get("/wallet").object();
    assertThat(money(empty, "balance")).isZero();
    assertThat(money(empty, "pending_stakes")).isZero();

    String key = UUID.randomUUID().toString();
    Http.Response first = move("/wallet/deposits", player, "125.50", key);
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.object().getString("kind")).isEqualTo("deposit");
    assertThat(money(first.object(), "amount")).isEqualByComparingTo("125.50");
    assertThat(money(first.object(), "balance_after")).isEqualByComparingTo("125.50");
    Http.Response again = move("/wallet/deposits", player, "125.50", key);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.object()).isEqualTo(first.object());
    assertThat(move("/wallet/deposits", player, "999.00", key).status()).as("the key with another body").isEqualTo(422);
    assertThat(move("/wallet/withdrawals", player, "125.50", key).status()).as("the key on the other route").isEqualTo(422);
    assertThat(balance(wallet)).isEqualByComparingTo("125.50");
    JsonArray entries = wallet.get("/wallet/entries").array();
    assertThat(entries).hasSize(1);
  }

  @Test
  void concurrentRetriesOfOneDepositMakeOneDeposit() throws Exception {
    String player = "racer-" + UUID.randomUUID();
    String key = UUID.randomUUID().toString();
    List<java.util.concurrent.Future<Http.Response>> answers;
    var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      answers = pool.invokeAll(java.util.Collections.nCopies(8, () -> move("/wallet/deposits", player, "10.00", key)));
    } finally {
      pool.shutdownNow();
    }
    for (var answer : answers) {
      assertThat(answer.get().status()).isEqualTo(201);
    }
    assertThat(balance(newPlayer(player))).isEqualByComparingTo("10.00");
  }

  @Test
  void movementsNeedAnOperatorAKeyAndAnAmount() {
    String player = "strict-" + UUID.randomUUID();
    String body = "{\"player_id\":\"" + player + "\",\"amount\":\"1.00\"}";
    assertThat(bets.send("POST", "/wallet/deposits", body, Map.of("Content-Type", "application/json", "Idempotency-Key", "k1")).status())
      .as("a player's token").isEqualTo(403);
    assertThat(bets.as(null).send("POST", "/wallet/deposits", body, Map.of("Content-Type", "application/json", "Idempotency-Key", "k1")).status())
      .as("no token").isEqualTo(401);
    assertThat(system.betMakerOperator().post("/wallet/deposits", body).status()).as("no Idempotency-Key").isEqualTo(400);
    for (String amount : List.of("0", "-1.00", "1.001", "1000000000.01", "\"NaN\"", "\"ten\"", "null", "true")) {
      Http.Response refused = system.betMakerOperator().send("POST", "/wallet/deposits", "{\"player_id\":\"" + player + "\",\"amount\":" + amount + "}",
        Map.of("Content-Type", "application/json", "Idempotency-Key", UUID.randomUUID().toString()));
      assertThat(refused.status()).as("amount " + amount).isEqualTo(400);
    }
    assertThat(move("/wallet/deposits", "not a player!", "1.00", UUID.randomUUID().toString()).status()).isEqualTo(400);
    assertThat(system.betMakerOperator().send("POST", "/wallet/deposits", "{\"player_id\":\"" + player + "\",\"amount\":1,\"extra\":1}",
      Map.of("Content-Type", "application/json", "Idempotency-Key", UUID.randomUUID().toString())).status()).isEqualTo(400);
    assertThat(balance(newPlayer(player))).isZero();
  }

  @Test
  void aWithdrawalBeyondTheBalanceIsRefusedWithTheBalance() {
    String player = "withdrawer-" + UUID.randomUUID();
    assertThat(move("/wallet/deposits", player, "50.00", UUID.randomUUID().toString()).status()).isEqualTo(201);
    Http.Response refused = move("/wallet/withdrawals", player, "50.01", UUID.randomUUID().toString());
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.object().getString("type")).endsWith("insufficient-funds");
    assertThat(money(refused.object(), "balance")).isEqualByComparingTo("50.00");
    Http.Response taken = move("/wallet/withdrawals", player, "20.00", UUID.randomUUID().toString());
    assertThat(taken.status()).isEqualTo(201);
    assertThat(money(taken.object(), "amount")).isEqualByComparingTo("-20.00");
    assertThat(money(taken.object(), "balance_after")).isEqualByComparingTo("30.00");
    assertThat(balance(newPlayer(player))).isEqualByComparingTo("30.00");
  }

  @Test
  void aBetDebitsItsStakeAndABetTheBalanceDoesNotCoverStoresNothing() {
    String player = "bettor-" + UUID.randomUUID();
    Http wallet = newPlayer(player);
    String event = openEvent("2.50");
    assertThat(move("/wallet/deposits", player, "30.00", UUID.randomUUID().toString()).status()).isEqualTo(201);

    JsonObject bet = wallet.post("/bet", "{\"event_id\":\"" + event + "\",\"sum_bet\":\"12.00\"}").object();
    JsonObject after = wallet.get("/wallet").object();
    assertThat(money(after, "balance")).isEqualByComparingTo("18.00");
    assertThat(money(after, "pending_stakes")).isEqualByComparingTo("12.00");
    JsonObject stake = wallet.get("/wallet/entries").array().getJsonObject(0);
    assertThat(stake.getString("kind")).isEqualTo("stake");
    assertThat(money(stake, "amount")).isEqualByComparingTo("-12.00");
    assertThat(money(stake, "balance_after")).isEqualByComparingTo("18.00");
    assertThat(stake.getString("bet_id")).isEqualTo(bet.getString("bet_id"));

    // A batch needs its total: 10 + 9 = 19 > 18, so neither is stored.
    Http.Response batch = wallet.post("/bet", "[{\"event_id\":\"" + event + "\",\"sum_bet\":10},{\"event_id\":\"" + event + "\",\"sum_bet\":9}]");
    assertThat(batch.status()).isEqualTo(409);
    assertThat(batch.object().getString("type")).endsWith("insufficient-funds");
    assertThat(money(batch.object(), "balance")).isEqualByComparingTo("18.00");
    assertThat(wallet.get("/bets?event_id=" + event).array()).hasSize(1);
    assertThat(wallet.post("/bet", "[{\"event_id\":\"" + event + "\",\"sum_bet\":10},{\"event_id\":\"" + event + "\",\"sum_bet\":8}]").status())
      .isEqualTo(201);
    assertThat(balance(wallet)).isZero();
    Http.Response broke = wallet.post("/bet", "{\"event_id\":\"" + event + "\",\"sum_bet\":\"0.01\"}");
    assertThat(broke.status()).isEqualTo(409);
    assertThat(money(broke.object(), "balance")).isZero();
  }

  @Test
  void settlementCreditsAWinsPayoutAVoidsStakeAndNothingForALoss() {
    String player = "settled-" + UUID.randomUUID();
    Http wallet = newPlayer(player);
    assertThat(move("/wallet/deposits", player, "100.00", UUID.randomUUID().toString()).status()).isEqualTo(201);
    String won = openEvent("1.55");
    String lost = openEvent("3.00");
    String voided = openEvent("2.00");
    String[] placed = new String[3];
    int i = 0;
    for (String event : List.of(won, lost, voided)) {
      placed[i++] = wallet.post("/bet", "{\"event_id\":\"" + event + "\",\"sum_bet\":\"10.01\"}").object().getString("bet_id");
    }
    assertThat(balance(wallet)).isEqualByComparingTo("69.97");
    assertThat(line.put("/event", "{\"event_id\":\"" + won + "\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
    assertThat(line.put("/event", "{\"event_id\":\"" + lost + "\",\"status\":\"FINISHED_LOSE\"}").status()).isEqualTo(200);
    assertThat(line.put("/event", "{\"event_id\":\"" + voided + "\",\"status\":\"CANCELLED\"}").status()).isEqualTo(200);
    Await.until("the three bets settled", WAIT, () -> wallet.get("/bets?status=PENDING").array().isEmpty());
    // 10.01 × 1.55 = 15.5155, paid 15.51; the void's 10.01 back; the loss nothing.
    JsonObject after = wallet.get("/wallet").object();
    assertThat(money(after, "balance")).isEqualByComparingTo("95.49");
    assertThat(money(after, "pending_stakes")).isZero();
    JsonArray entries = wallet.get("/wallet/entries?limit=2").array();
    assertThat(entries.stream().map(e -> ((JsonObject) e).getString("kind")).toList()).containsExactlyInAnyOrder("payout", "refund");
    JsonObject payout = entries.stream().map(JsonObject.class::cast).filter(e -> e.getString("kind").equals("payout")).findFirst().orElseThrow();
    assertThat(payout.getString("bet_id")).isEqualTo(placed[0]);
    assertThat(money(payout, "amount")).isEqualByComparingTo("15.51");
  }

  @Test
  void entriesArePagedNewestFirst() {
    String player = "pages-" + UUID.randomUUID();
    Http wallet = newPlayer(player);
    for (int i = 1; i <= 5; i++) {
      assertThat(move("/wallet/deposits", player, i + ".00", UUID.randomUUID().toString()).status()).isEqualTo(201);
    }
    Http.Response first = wallet.get("/wallet/entries?limit=2");
    assertThat(first.array().stream().map(e -> money((JsonObject) e, "amount").intValue()).toList()).containsExactly(5, 4);
    Http.Response second = wallet.get("/wallet/entries?limit=2&cursor=" + first.header("Next-Cursor"));
    assertThat(second.array().stream().map(e -> money((JsonObject) e, "amount").intValue()).toList()).containsExactly(3, 2);
    Http.Response last = wallet.get("/wallet/entries?limit=2&cursor=" + second.header("Next-Cursor"));
    assertThat(last.array()).hasSize(1);
    assertThat(last.header("Next-Cursor")).isNull();
    assertThat(bets.as(null).get("/wallet").status()).isEqualTo(401);
    assertThat(wallet.get("/wallet?player_id=someone-else").status()).isEqualTo(400);
  }
}
