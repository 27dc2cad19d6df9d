package io.eventwalker.wallet;

import io.eventwalker.betmaker.BetMakerVerticle;
import io.eventwalker.betmaker.wallet.LedgerChecks;
import io.eventwalker.platform.http.Routers;
import io.eventwalker.platform.runtime.VertxRuntime;
import io.eventwalker.testing.Backing;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.Jwts;
import io.eventwalker.testing.TestSystem;
import io.eventwalker.testing.Wallets;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wallet under races (SPEC §7: never below zero, whatever the concurrency and however many
 * instances): many bets of one player against a balance that covers exactly half of them, on one
 * bet-maker and on two; withdrawals racing bets; a bet answered 5xx; the same settlement run again.
 * The ledger's invariants are checked after each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WalletRacesTest {

  private static final int PLACE_TIMEOUT_MS = 1_500;
  private TestSystem system;
  private SqlClient ledger;
  private long deadline;

  @BeforeAll
  void start() {
    system = TestSystem.start(true, true, config -> config.put("BM_PLACE_TIMEOUT_MS", PLACE_TIMEOUT_MS).put("BM_COMMIT_TIMEOUT_MS", 1_000));
    ledger = system.sqlClient(system.bmSchema());
    deadline = Instant.now().getEpochSecond() + 3600;
  }

  @AfterAll
  void stop() {
    system.close();
  }

  @AfterEach
  void ledgerHolds() {
    assertThat(LedgerChecks.run(ledger).await()).as("ledger verify").isEmpty();
  }

  private String openEvent() {
    String id = "race-" + UUID.randomUUID();
    assertThat(system.lineProvider().post("/event", "{\"event_id\":\"" + id + "\",\"ratio\":2.00,\"deadline\":" + deadline + "}").status())
      .isEqualTo(201);
    return id;
  }

  private String fundedPlayer(String amount) {
    String player = "race-" + UUID.randomUUID();
    Wallets.deposit(system.betMakerOperator(), player, new BigDecimal(amount));
    return player;
  }

  /** Sends {@code request} until it is answered with anything but a limit (429) or a 503, which stored nothing: that answer. */
  private static Http.Response settled(Callable<Http.Response> request) throws Exception {
    while (true) {
      Http.Response answer = request.call();
      if (answer.status() != 429 && answer.status() != 503) {
        return answer;
      }
      Thread.sleep(20);
    }
  }

  private static List<Http.Response> all(int threads, List<Callable<Http.Response>> requests) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Callable<Http.Response>> retried = requests.stream().<Callable<Http.Response>>map(request -> () -> settled(request)).toList();
      List<Http.Response> answers = new ArrayList<>();
      for (Future<Http.Response> answer : pool.invokeAll(retried, 120, TimeUnit.SECONDS)) {
        answers.add(answer.get());
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  private BigDecimal balance(String player) {
    return new BigDecimal(system.betMaker().as(Jwts.player(system.secret, player)).get("/wallet").object().getValue("balance").toString());
  }

  private long stored(String player) {
    return system.count("SELECT count(*) FROM " + system.bmSchema() + ".bets WHERE player_id = $1", player);
  }

  @Test
  void twoHundredBetsAgainstAHundredOnOneBetMaker() throws Exception {
    String player = fundedPlayer("100.00");
    race(player, List.of(system.betMaker().as(Jwts.player(system.secret, player))));
  }

  @Test
  void twoHundredBetsAgainstAHundredOnTwoBetMakers() throws Exception {
    Vertx other = VertxRuntime.create(0, null);
    try {
      other.deployVerticle(new BetMakerVerticle(), new DeploymentOptions().setConfig(system.betMakerConfig.copy())).await(60, TimeUnit.SECONDS);
      int port = other.sharedData().<String, Integer>getLocalMap(Routers.PORTS_MAP).get("bet-maker");
      String player = fundedPlayer("100.00");
      String token = Jwts.player(system.secret, player);
      race(player, List.of(system.betMaker().as(token), new Http(port).as(token)));
    } finally {
      other.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** 200 concurrent bets of 1.00 of {@code player}, whose balance is exactly 100.00, spread over {@code bettors}. */
  private void race(String player, List<Http> bettors) throws Exception {
    String event = openEvent();
    List<Callable<Http.Response>> bets = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Http bettor = bettors.get(i % bettors.size());
      bets.add(() -> bettor.post("/bet", "{\"event_id\":\"" + event + "\",\"sum_bet\":\"1.00\"}"));
    }
    List<Http.Response> answers = all(32, bets);
    assertThat(answers.stream().filter(a -> a.status() == 201).count()).as("bets taken").isEqualTo(100);
    assertThat(answers).allMatch(a -> a.status() == 201
      || (a.status() == 409 && a.object().getString("type").endsWith("insufficient-funds")), "201 or 409 insufficient-funds");
    assertThat(stored(player)).isEqualTo(100);
    assertThat(balance(player)).isZero();
  }

  @Test
  void withdrawalsRacingBetsNeverTakeTheBalanceBelowZero() throws Exception {
    String player = fundedPlayer("100.00");
    String event = openEvent();
    Http bettor = system.betMaker().as(Jwts.player(system.secret, player));
    Http operator = system.betMakerOperator();
    List<Callable<Http.Response>> requests = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      if (i % 10 == 0) {
        String key = UUID.randomUUID().toString();
        requests.add(() -> operator.send("POST", "/wallet/withdrawals", "{\"player_id\":\"" + player + "\",\"amount\":\"10.00\"}",
          Map.of("Content-Type", "application/json", "Idempotency-Key", key)));
      } else {
        requests.add(() -> bettor.post("/bet", "{\"event_id\":\"" + event + "\",\"sum_bet\":\"1.00\"}"));
      }
    }
    List<Http.Response> answers = all(24, requests);
    long withdrawn = 0;
    for (int i = 0; i < answers.size(); i++) {
      if (answers.get(i).status() == 201 && i % 10 == 0) {
        withdrawn++;
      }
      assertThat(answers.get(i).status()).as(answers.get(i).toString()).isIn(201, 409);
    }
    BigDecimal expected = new BigDecimal("100.00").subtract(new BigDecimal(stored(player))).subtract(new BigDecimal(withdrawn * 10));
    assertThat(balance(player)).isEqualByComparingTo(expected).isGreaterThanOrEqualTo(BigDecimal.ZERO);
  }

  @Test
  void aBetAnswered503LeavesTheBalanceAsItWas() throws Exception {
    String player = fundedPlayer("40.00");
    String event = openEvent();
    Http bettor = system.betMaker().as(Jwts.player(system.secret, player));
    assertThat(bettor.post("/bet", "{\"event_id\":\"" + event + "\",\"sum_bet\":\"5.00\"}").status()).isEqualTo(201);
    // Another transaction holds the player's account past the placement's deadline.
    PgConnection holder = PgConnection.connect(system.vertx, Backing.postgres().connectOptions()).await();
    try {
      holder.query("BEGIN").execute().await();
      holder.preparedQuery("SELECT 1 FROM " + system.bmSchema() + ".accounts WHERE player_id = $1 FOR UPDATE").execute(Tuple.of(player)).await();
      Http.Response refused = bettor.post("/bet", "{\"event_id\":\"" + event + "\",\"sum_bet\":\"5.00\"}");
      assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
      holder.query("ROLLBACK").execute().await();
    } finally {
      holder.close().await();
    }
    assertThat(balance(player)).isEqualByComparingTo("35.00");
    assertThat(stored(player)).isEqualTo(1);
  }

  @Test
  void aSettlementRunAgainCreditsNothingMore() {
    String player = fundedPlayer("10.00");
    String event = openEvent();
    Http bettor = system.betMaker().as(Jwts.player(system.secret, player));
    JsonObject bet = bettor.post("/bet", "{\"event_id\":\"" + event + "\",\"sum_bet\":\"10.00\"}").object();
    assertThat(system.lineProvider().put("/event", "{\"event_id\":\"" + event + "\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
    io.eventwalker.testing.Await.until("the bet settled", java.time.Duration.ofSeconds(15),
      () -> "WON".equals(bettor.get("/bet/" + bet.getString("bet_id")).object().getString("status")));
    assertThat(balance(player)).isEqualByComparingTo("20.00");
    // The settlement's statement again, as a replayed update or catch-up would run it, and a second credit by hand.
    long again = system.inTransaction(system.bmSchema(), conn -> conn.preparedQuery(io.eventwalker.betmaker.bets.BetQueries.SETTLE_CHUNK)
      .execute(Tuple.of(event, 100, new UUID[0], new String[0], 0L)).map(rows -> rows.iterator().next().getLong("settled")));
    assertThat(again).isZero();
    assertThat(balance(player)).isEqualByComparingTo("20.00");
    String schema = system.bmSchema();
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> system.sql("WITH t AS (INSERT INTO " + schema + ".transfers (kind) VALUES ('settlement')"
        + " RETURNING transfer_id) INSERT INTO " + schema + ".entries (transfer_id, account_id, kind, amount, balance_after, bet_id)"
        + " SELECT t.transfer_id, a.account_id, 'payout', 20.00, 40.00, $1::uuid FROM t, " + schema + ".accounts a WHERE a.player_id = $2"
        + " UNION ALL SELECT t.transfer_id, h.account_id, 'payout', -20.00, NULL, NULL FROM t, " + schema + ".accounts h WHERE h.house = 'winnings_paid'",
      bet.getString("bet_id"), player)))
      .as("a second credit of the bet").hasMessageContaining("entries_once_per_bet");
  }
}
