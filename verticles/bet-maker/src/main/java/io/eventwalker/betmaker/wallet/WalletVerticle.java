package io.eventwalker.betmaker.wallet;

import io.eventwalker.betmaker.bus.Addresses;
import io.eventwalker.betmaker.bus.WalletMessages.Entry;
import io.eventwalker.betmaker.bus.WalletMessages.EntryPage;
import io.eventwalker.betmaker.bus.WalletMessages.GetWallet;
import io.eventwalker.betmaker.bus.WalletMessages.ListEntries;
import io.eventwalker.betmaker.bus.WalletMessages.MoneyMoved;
import io.eventwalker.betmaker.bus.WalletMessages.MoveMoney;
import io.eventwalker.betmaker.bus.WalletMessages.Wallet;
import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.betmaker.live.SettlementPushes;
import io.eventwalker.betmaker.metrics.WalletMeters;
import io.eventwalker.platform.db.Databases;
import io.eventwalker.platform.db.Transactions;
import io.eventwalker.platform.http.Failures;
import io.eventwalker.platform.http.Problem;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The wallet (SPEC §7): an operator's deposits and withdrawals, each one transfer between the
 * player's account and the house's cash, in one transaction with its {@code Idempotency-Key}'s
 * answer (so a retry finds both or neither: the key's primary key lets one of two concurrent
 * attempts commit); and a player's wallet and entries. Stakes and credits are moved by placement
 * and settlement, in their own transactions.
 */
public final class WalletVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WalletVerticle.class);
  private static final long PURGE_EVERY_MS = 600_000;

  private final BetMakerConfig config;
  private final SettlementPushes pushes;
  private Pool pool;
  private WalletMeters meters;

  /** {@code pushes}: where each new balance is told to the player's listeners. */
  public WalletVerticle(BetMakerConfig config, SettlementPushes pushes) {
    this.config = config;
    this.pushes = pushes;
  }

  @Override
  public Future<?> start() {
    pool = Databases.pool(vertx, config.database(), "bet-maker");
    meters = WalletMeters.of(vertx);
    var bus = vertx.eventBus();
    bus.<MoveMoney>localConsumer(Addresses.WALLET_MOVE, msg -> move(msg.body())
      .onSuccess(msg::reply).onFailure(failure -> Failures.reply(msg, failure, LOG)));
    bus.<GetWallet>localConsumer(Addresses.WALLET_GET, this::wallet);
    bus.<ListEntries>localConsumer(Addresses.WALLET_ENTRIES, this::entries);
    vertx.setPeriodic(PURGE_EVERY_MS, id -> pool.preparedQuery(WalletQueries.PURGE_KEYS).execute(Tuple.of(config.idempotencyRetentionS()))
      .onFailure(failure -> LOG.warn("wallet key purge failed: {}", failure.getMessage())));
    return Future.succeededFuture();
  }

  /** The key's first answer, or the move in a transaction of its own with the key's answer; a race for the key replays the winner's. */
  private Future<MoneyMoved> move(MoveMoney move) {
    return replay(pool, move).compose(first -> first != null ? Future.succeededFuture(first)
      : pool.getConnection().compose(conn -> moveOnce(conn, move)).transform(moved -> {
        if (moved.failed() && Databases.isConstraintViolation(moved.cause()) && moved.cause().getMessage().contains("wallet_keys_pkey")) {
          return replay(pool, move); // another attempt with the key committed first: its answer
        }
        return moved.succeeded() ? Future.succeededFuture(moved.result()) : Future.failedFuture(moved.cause());
      }));
  }

  private Future<MoneyMoved> moveOnce(SqlConnection conn, MoveMoney move) {
    long left = move.deadlineMillis() - System.currentTimeMillis();
    if (left <= 0) {
      conn.close();
      return Future.failedFuture(Problem.of(503, "the request waited past its deadline; nothing was moved; try again").exception());
    }
    Future<Void> begun = Transactions.begin(conn, left);
    Future<?> opened = move.deposit() ? conn.preparedQuery(WalletQueries.OPEN_ACCOUNT).execute(Tuple.of(move.playerId()))
      : Future.succeededFuture();
    Future<RowSet<Row>> locked = conn.preparedQuery(WalletQueries.LOCK_ACCOUNT).execute(Tuple.of(move.playerId()));
    Future<Moved> done = Future.all(begun, opened, locked).compose(sent -> {
      BigDecimal balance = locked.result().size() == 0 ? BigDecimal.ZERO.setScale(2) : locked.result().iterator().next().getBigDecimal("balance");
      if (!move.deposit() && balance.compareTo(move.amount()) < 0) {
        meters.refusedForFunds();
        return Future.failedFuture(Funds.insufficient(balance, "the balance of " + move.playerId() + " is "
          + balance.toPlainString() + ", less than the " + move.amount().toPlainString() + " to withdraw; nothing was withdrawn").exception());
      }
      String kind = move.deposit() ? "deposit" : "withdrawal";
      BigDecimal signed = move.deposit() ? move.amount() : move.amount().negate();
      return conn.preparedQuery(WalletQueries.MOVE_CASH).execute(Tuple.of(move.playerId(), kind, signed, move.operator()))
        .compose(rows -> {
          Row entry = rows.iterator().next();
          String body = WalletJson.entry(move.playerId(), entry).encode();
          return conn.preparedQuery(WalletQueries.RECORD_KEY)
            .execute(Tuple.of(move.operator(), move.key(), move.requestHash(), 201, body))
            .map(recorded -> new Moved(new MoneyMoved(201, body, false), entry.getBigDecimal("balance_after")));
        });
    });
    return done.transform(answered -> {
      if (answered.failed()) {
        return Transactions.rollBack(conn, answered.cause());
      }
      return Transactions.commit(conn, config.placement().commitTimeoutMs()).transform(committed -> {
        if (committed.failed()) {
          return Future.failedFuture(committed.cause() instanceof Transactions.CommitUnknown
            ? Problem.outcomeUnknown("the database did not confirm the commit of this " + (move.deposit() ? "deposit" : "withdrawal")
              + ": retry with the same Idempotency-Key to learn whether it was made").exception()
            : committed.cause());
        }
        meters.moved(move.deposit() ? "deposit" : "withdrawal", move.amount());
        pushes.balances(Map.of(move.playerId(), answered.result().balance()));
        return Future.succeededFuture(answered.result().answer());
      });
    });
  }

  /** A movement's answer, and the player's balance after it. */
  private record Moved(MoneyMoved answer, BigDecimal balance) {
  }

  /** The first answer given under the move's key, or null when the key is new; a key used with another request is refused (422). */
  private static Future<MoneyMoved> replay(Pool pool, MoveMoney move) {
    return pool.preparedQuery(WalletQueries.READ_KEY).execute(Tuple.of(move.operator(), move.key())).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(null);
      }
      Row key = rows.iterator().next();
      if (!key.getString("request_hash").equals(move.requestHash())) {
        return Future.failedFuture(Problem.of(422, "this Idempotency-Key was already used with a different request").exception());
      }
      return Future.succeededFuture(new MoneyMoved(key.getInteger("status_code"), key.getString("response"), true));
    });
  }

  private void wallet(Message<GetWallet> msg) {
    String player = msg.body().playerId();
    pool.preparedQuery(WalletQueries.WALLET).execute(Tuple.of(player)).onSuccess(rows -> {
      BigDecimal zero = BigDecimal.ZERO.setScale(2);
      Row row = rows.size() == 0 ? null : rows.iterator().next();
      msg.reply(new Wallet(player, row == null ? zero : row.getBigDecimal("balance"), row == null ? zero : row.getBigDecimal("pending_stakes")));
    }).onFailure(failure -> Failures.reply(msg, failure, LOG));
  }

  private void entries(Message<ListEntries> msg) {
    ListEntries page = msg.body();
    pool.preparedQuery(WalletQueries.ENTRIES).execute(Tuple.of(page.playerId(), page.before(), page.limit() + 1)).onSuccess(rows -> {
      List<Entry> entries = new ArrayList<>();
      for (Row row : rows) {
        if (entries.size() < page.limit()) {
          entries.add(new Entry(row.getLong("entry_id"), row.getString("kind"), row.getBigDecimal("amount"), row.getBigDecimal("balance_after"),
            row.getUUID("bet_id"), row.getOffsetDateTime("created_at").toInstant()));
        }
      }
      Long next = rows.size() > page.limit() ? entries.get(entries.size() - 1).entryId() : null;
      msg.reply(new EntryPage(entries, next));
    }).onFailure(failure -> Failures.reply(msg, failure, LOG));
  }
}
