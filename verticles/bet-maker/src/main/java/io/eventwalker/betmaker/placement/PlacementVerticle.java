package io.eventwalker.betmaker.placement;

import io.eventwalker.betmaker.bets.Bet;
import io.eventwalker.betmaker.bets.BetQueries;
import io.eventwalker.betmaker.bets.BetRequest;
import io.eventwalker.betmaker.bus.Addresses;
import io.eventwalker.betmaker.bus.BetMessages.InsufficientFunds;
import io.eventwalker.betmaker.bus.BetMessages.NotStored;
import io.eventwalker.betmaker.bus.BetMessages.PlaceBets;
import io.eventwalker.betmaker.bus.BetMessages.Placed;
import io.eventwalker.betmaker.bus.BetMessages.Placement;
import io.eventwalker.betmaker.bus.BetMessages.Subscribe;
import io.eventwalker.betmaker.bus.LineProviderBus;
import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.betmaker.live.SettlementPushes;
import io.eventwalker.betmaker.metrics.BetMeters;
import io.eventwalker.betmaker.metrics.WalletMeters;
import io.eventwalker.betmaker.placement.PlacementTransaction.Ended;
import io.eventwalker.betmaker.placement.PlacementTransaction.Retry;
import io.eventwalker.betmaker.placement.PlacementTransaction.Stored;
import io.eventwalker.betmaker.placement.PlacementTransaction.Tried;
import io.eventwalker.platform.batching.GroupQueue;
import io.eventwalker.platform.db.Databases;
import io.eventwalker.platform.eventbus.LocalBus;
import io.eventwalker.platform.http.Failures;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.validation.Batch;
import io.eventwalker.wire.EventStates;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Placement: stores the bets of {@code POST /bet}, checked against line-provider's current states.
 *
 * <p>Bets arriving together share one statement and one commit (group commit, {@link GroupQueue}):
 * while groups are being written the next requests queue, and go out together as the next group.
 * Each request is still all-or-nothing, each bet still one row, and nothing is answered before its
 * commit. A group is written by a {@link PlacementTransaction}, again after catching up with
 * line-provider (up to {@link #MAX_ATTEMPTS} times), and each request answered with a
 * {@link Placement}.
 */
public final class PlacementVerticle extends VerticleBase {

  /** Writes of one group: the first, and again after applying newer states line-provider reported. */
  private static final int MAX_ATTEMPTS = 3;

  private final BetMakerConfig.Placement config;
  private final BetMakerConfig settings;
  private Pool pool;
  private DeliveryOptions lineOptions;
  private DeliveryOptions settleOptions;
  /**
   * The most bets one player may have waiting: the player's share of the requests in flight
   * ({@code BM_MAX_CONCURRENT_PER_CLIENT} of {@code BM_MAX_CONCURRENT_REQUESTS}) applied to the
   * queue, and never less than the largest batch.
   */
  private final int playerShare;
  private GroupQueue<Message<PlaceBets>> queue;
  private final SettlementPushes pushes;
  private WalletMeters walletMeters;

  /** {@code pushes}: where the players' balances are told after each group's commit. */
  public PlacementVerticle(BetMakerConfig config, SettlementPushes pushes) {
    this.settings = config;
    this.pushes = pushes;
    this.config = config.placement();
    long share = (long) this.config.queueMax() * config.http().maxConcurrentPerClient() / config.http().maxConcurrentRequests();
    this.playerShare = (int) Math.max(Batch.MAX_ITEMS, share);
  }

  @Override
  public Future<?> start() {
    lineOptions = LocalBus.options(settings.http().requestTimeoutMs());
    settleOptions = LocalBus.options(settings.settlement().timeoutMs());
    pool = Databases.pool(vertx, settings.database(), "bet-maker");
    walletMeters = WalletMeters.of(vertx);
    queue = new GroupQueue<>(config.groupsInFlight(), config.groupMax(), msg -> msg.body().bets().size(),
      msg -> msg.body().playerId(), PlacementVerticle::stillWaited, this::writeGroup);
    vertx.eventBus().<PlaceBets>localConsumer(Addresses.BETS_PLACE, this::queue);
    BetMeters.of(vertx).meters().gauge("bet_maker_bets_waiting", "bets waiting in the placement queue for a group write", queue::waiting);
    return Future.succeededFuture();
  }

  /**
   * Puts a request in the queue, if there is room: at most {@code BM_PLACE_QUEUE_MAX} bets wait in
   * all, and one player's at most {@link #playerShare} of them, so that one player's batches cannot
   * fill the queue for everybody (SPEC §5).
   */
  private void queue(Message<PlaceBets> msg) {
    int bets = msg.body().bets().size();
    if (queue.waiting() + bets > config.queueMax()) {
      msg.reply(new NotStored("bet-maker is taking as many bets as it can (" + config.queueMax() + " waiting)"));
      return;
    }
    if (queue.waitingOf(msg.body().playerId()) + bets > playerShare) {
      msg.reply(new NotStored("you have as many bets waiting to be written as one player may (" + playerShare + ")"));
      return;
    }
    queue.add(msg);
  }

  /** A request whose deadline passed while it waited is refused, unwritten. */
  private static boolean stillWaited(Message<PlaceBets> msg, long now) {
    if (msg.body().deadlineMillis() <= now) {
      msg.reply(new NotStored("the bets waited past their deadline for a turn to be written"));
      return false;
    }
    return true;
  }

  /**
   * Writes one group and answers each of its requests. Line-provider is asked for the current
   * state of the group's events while the transaction writes the bets. Every request answered
   * with anything but {@link Placed} stored nothing, with one exception: a group whose
   * {@code COMMIT} was sent and never confirmed is answered "outcome unknown".
   */
  private Future<Void> writeGroup(List<Message<PlaceBets>> group) {
    BetColumns columns = BetColumns.of(group.stream().map(Message::body).toList());
    String traceparent = group.stream().map(msg -> msg.body().traceparent()).filter(Objects::nonNull).findFirst().orElse(null);
    Future<EventStates> line = LineProviderBus.subscribe(vertx, new Subscribe(List.of(columns.events()), false, traceparent), lineOptions);
    return write(new PlacementTransaction(pool, columns, line, config.commitTimeoutMs()), 1)
      .compose(tried -> tried instanceof Stored stored ? answer(group, stored) : answerAll(group, ((Ended) tried).outcome()))
      .recover(failure -> answerAll(group, new NotStored(describe(failure))));
  }

  /** Runs the transaction until it stores or ends; after a {@link Retry}, catches up with line-provider first. */
  private Future<Tried> write(PlacementTransaction transaction, int attempt) {
    return transaction.run().compose(tried -> {
      if (!(tried instanceof Retry retry)) {
        return Future.succeededFuture(tried);
      }
      if (attempt >= MAX_ATTEMPTS) {
        return Future.succeededFuture(new Ended(new NotStored("the event kept changing while the bets were placed")));
      }
      return retry.check().catchUp(vertx, settleOptions).compose(done -> write(transaction, attempt + 1));
    });
  }

  /** What failed, for a 503's detail: the problem a dependency answered, or what PostgreSQL did. */
  private static String describe(Throwable failure) {
    Problem problem = Failures.problem(failure);
    if (problem != null) {
      return problem.detail();
    }
    return Databases.isStatementTimeout(failure) ? PlacementTransaction.PAST_DEADLINE
      : "PostgreSQL could not store the bets (" + failure.getMessage() + ")";
  }

  private static Future<Void> answerAll(List<Message<PlaceBets>> group, Placement outcome) {
    group.forEach(msg -> msg.reply(outcome));
    return Future.succeededFuture();
  }

  /**
   * Each request its bets ({@link Placed}), or why the insert refused it: the player's balance
   * ({@link InsufficientFunds}), or its events ({@link Refusals}, read from them). The players whose
   * balances the group changed hear their new balance.
   */
  private Future<Void> answer(List<Message<PlaceBets>> group, Stored stored) {
    List<List<Bet>> bets = stored.bets();
    List<String> refusedEvents = new ArrayList<>();
    Map<String, BigDecimal> debited = new HashMap<>();
    for (int r = 0; r < group.size(); r++) {
      PlaceBets request = group.get(r).body();
      BigDecimal total = request.bets().stream().map(BetRequest::sumBet).reduce(BigDecimal.ZERO, BigDecimal::add);
      if (stored.stakes().refuses(r)) {
        walletMeters.refusedForFunds();
        group.get(r).reply(new InsufficientFunds(total, stored.balances().getOrDefault(request.playerId(), BigDecimal.ZERO.setScale(2))));
      } else if (bets.get(r) == null) {
        request.bets().forEach(bet -> refusedEvents.add(bet.eventId()));
      } else {
        walletMeters.moved("stake", total);
        debited.put(request.playerId(), stored.balances().get(request.playerId()));
        group.get(r).reply(new Placed(bets.get(r)));
      }
    }
    pushes.balances(debited);
    if (refusedEvents.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(BetQueries.EVENTS_STATUS).execute(Tuple.of((Object) refusedEvents.toArray(String[]::new)))
      .map(rows -> {
        Map<String, Row> byId = new HashMap<>();
        rows.forEach(row -> byId.put(row.getString("event_id"), row));
        for (int r = 0; r < group.size(); r++) {
          if (bets.get(r) == null && !stored.stakes().refuses(r)) {
            group.get(r).reply(Refusals.of(group.get(r).body(), byId));
          }
        }
        return null;
      });
  }
}
