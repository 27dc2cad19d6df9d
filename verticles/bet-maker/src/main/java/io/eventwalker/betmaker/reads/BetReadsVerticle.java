package io.eventwalker.betmaker.reads;

import io.eventwalker.betmaker.bets.Bet;
import io.eventwalker.betmaker.bets.BetQueries;
import io.eventwalker.betmaker.bets.BetStatus;
import io.eventwalker.betmaker.bus.Addresses;
import io.eventwalker.betmaker.bus.BetMessages.BetPage;
import io.eventwalker.betmaker.bus.BetMessages.EventIds;
import io.eventwalker.betmaker.bus.BetMessages.GetBet;
import io.eventwalker.betmaker.bus.BetMessages.ListBets;
import io.eventwalker.betmaker.bus.BetMessages.PendingEvents;
import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.platform.db.Databases;
import io.eventwalker.platform.db.Pages;
import io.eventwalker.platform.dependencies.DependencyWatch;
import io.eventwalker.platform.http.Failures;
import io.eventwalker.platform.http.Readiness;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads of bet-maker's database: a bet, a page of bets, the events with PENDING bets, and
 * PostgreSQL's readiness; it watches PostgreSQL for bet-maker ({@link DependencyWatch}).
 */
public final class BetReadsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BetReadsVerticle.class);

  private final BetMakerConfig config;
  private Pool pool;

  public BetReadsVerticle(BetMakerConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    pool = Databases.pool(vertx, config.database(), "bet-maker");
    var bus = vertx.eventBus();
    bus.<GetBet>localConsumer(Addresses.BETS_GET, this::get);
    bus.<ListBets>localConsumer(Addresses.BETS_LIST, this::list);
    bus.<PendingEvents>localConsumer(Addresses.EVENTS_PENDING, this::pendingEvents);
    bus.<String>localConsumer(Addresses.READY_POSTGRES, this::ready);
    new DependencyWatch(vertx, config.database().dependency(), "bet-maker", config.dependencies(),
      () -> pool.query("SELECT 1").execute(), config.http().readyTimeoutMs()).start();
    return Future.succeededFuture();
  }

  private void get(Message<GetBet> msg) {
    pool.preparedQuery(BetQueries.GET_BET).execute(Tuple.of(msg.body().betId(), msg.body().playerId()))
      .onSuccess(rows -> {
        if (rows.size() == 0) {
          msg.reply(null);
        } else {
          msg.reply(toBet(rows.iterator().next()));
        }
      })
      .onFailure(failure -> fail(msg, failure));
  }

  private void list(Message<ListBets> msg) {
    ListBets query = msg.body();
    List<Object> params = new ArrayList<>();
    params.add(query.playerId());
    if (query.status() != null) {
      params.add(query.status().name());
    }
    if (query.eventId() != null) {
      params.add(query.eventId());
    }
    if (query.beforeSeq() != null) {
      params.add(query.beforeSeq());
    }
    params.add(query.limit() + 1);
    String sql = BetQueries.listBets(query.status() != null, query.eventId() != null, query.beforeSeq() != null);
    pool.preparedQuery(sql).execute(Tuple.from(params))
      .onSuccess(rows -> {
        List<Bet> bets = new ArrayList<>(rows.size());
        rows.forEach(row -> bets.add(toBet(row)));
        Long next = Pages.trim(bets, query.limit(), Bet::seq);
        msg.reply(new BetPage(bets, next));
      })
      .onFailure(failure -> fail(msg, failure));
  }

  private void pendingEvents(Message<PendingEvents> msg) {
    pool.preparedQuery(BetQueries.PENDING_EVENTS).execute(Tuple.of(msg.body().after(), msg.body().limit()))
      .onSuccess(rows -> {
        List<String> ids = new ArrayList<>(rows.size());
        rows.forEach(row -> ids.add(row.getString("event_id")));
        msg.reply(new EventIds(ids));
      })
      .onFailure(failure -> fail(msg, failure));
  }

  static Bet toBet(Row row) {
    OffsetDateTime settledAt = row.getOffsetDateTime("settled_at");
    return new Bet(row.getUUID("bet_id"), row.getString("player_id"), row.getString("event_id"), row.getBigDecimal("sum_bet"),
      row.getBigDecimal("ratio"), BetStatus.valueOf(row.getString("status")), row.getBigDecimal("payout"),
      row.getOffsetDateTime("created_at").toInstant(), settledAt == null ? null : settledAt.toInstant(), row.getLong("seq"));
  }

  private void ready(Message<String> msg) {
    Readiness.answer(msg, config.database().dependency(), pool.query("SELECT 1").execute(), config.http().readyTimeoutMs());
  }

  private static void fail(Message<?> msg, Throwable failure) {
    Failures.reply(msg, failure, LOG);
  }
}
