package io.eventwalker.lineprovider.subscriptions;

import io.eventwalker.lineprovider.bus.Addresses;
import io.eventwalker.lineprovider.bus.EventMessages.AddSubscriptions;
import io.eventwalker.lineprovider.bus.EventMessages.DurablePage;
import io.eventwalker.lineprovider.bus.EventMessages.DurableSubscription;
import io.eventwalker.lineprovider.bus.EventMessages.DurableSubscriptions;
import io.eventwalker.lineprovider.config.LineProviderConfig;
import io.eventwalker.platform.db.Databases;
import io.eventwalker.platform.http.Failures;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The subscriptions, durably, in PostgreSQL: Redis serves them ({@link SubscriptionStoreVerticle}),
 * and this is what an emptied Redis is rebuilt from ({@link SubscriptionRebuild}). A subscription
 * not renewed within {@code LP_SUBSCRIPTION_TTL_S} is dropped, and those under names
 * {@code LP_SUBSCRIBERS} does not list are forgotten at start-up.
 */
public final class SubscriptionRepositoryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionRepositoryVerticle.class);
  /** The event id under which a subscription to every event is recorded. */
  static final String ALL_EVENTS = "*";

  private final LineProviderConfig config;
  private Pool pool;

  public SubscriptionRepositoryVerticle(LineProviderConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    long subscriptionTtlSeconds = config.subscriptionTtlS();
    pool = Databases.pool(vertx, config.database(), "line-provider");
    var bus = vertx.eventBus();
    bus.<AddSubscriptions>localConsumer(Addresses.SUBSCRIPTIONS_RECORD, this::recordSubscriptions);
    bus.<DurableSubscriptions>localConsumer(Addresses.SUBSCRIPTIONS_DURABLE, this::durableSubscriptions);
    vertx.setPeriodic(60_000, id -> purgeSubscriptions(subscriptionTtlSeconds));
    return forgetUnlistedSubscribers();
  }

  private void recordSubscriptions(Message<AddSubscriptions> msg) {
    List<String> ids = msg.body().all() ? List.of(ALL_EVENTS) : msg.body().eventIds();
    pool.preparedQuery(SubscriptionQueries.RECORD_SUBSCRIPTIONS).execute(Tuple.of(msg.body().subscriber(), (Object) ids.toArray(String[]::new)))
      .onSuccess(rows -> {
        List<String> recorded = new ArrayList<>();
        rows.forEach(row -> {
          if (!row.getString("event_id").equals(ALL_EVENTS)) {
            recorded.add(row.getString("event_id"));
          }
        });
        msg.reply(new AddSubscriptions(msg.body().subscriber(), recorded, msg.body().all()));
      })
      .onFailure(failure -> fail(msg, failure));
  }

  private void durableSubscriptions(Message<DurableSubscriptions> msg) {
    int limit = msg.body().limit();
    pool.preparedQuery(SubscriptionQueries.DURABLE_SUBSCRIPTIONS).execute(Tuple.of(msg.body().afterEventId(), limit))
      .onSuccess(rows -> {
        List<DurableSubscription> page = new ArrayList<>(rows.size());
        for (Row row : rows) {
          page.add(new DurableSubscription(row.getString("event_id"), List.of(row.getArrayOfStrings("subscribers")),
            row.getOffsetDateTime("renewed_at").toInstant()));
        }
        msg.reply(new DurablePage(page, page.size() < limit ? null : page.get(page.size() - 1).eventId()));
      })
      .onFailure(failure -> fail(msg, failure));
  }

  private void purgeSubscriptions(long ttlSeconds) {
    pool.preparedQuery(SubscriptionQueries.PURGE_SUBSCRIPTIONS).execute(Tuple.of(ttlSeconds))
      .onFailure(failure -> LOG.warn("subscription purge failed: {}", failure.getMessage()));
  }

  /**
   * Subscriptions under names {@code LP_SUBSCRIBERS} does not list (made up in a request before
   * names were checked, or a subscriber no longer configured) are forgotten at start-up: nothing
   * is published to them in any case.
   */
  private Future<Void> forgetUnlistedSubscribers() {
    return pool.preparedQuery(SubscriptionQueries.FORGET_UNLISTED_SUBSCRIBERS)
      .execute(Tuple.of((Object) config.subscribers().names().toArray(String[]::new)))
      .onSuccess(rows -> {
        if (rows.rowCount() > 0) {
          LOG.warn("forgot {} subscriptions under names LP_SUBSCRIBERS does not list", rows.rowCount());
        }
      })
      .<Void>mapEmpty()
      // PostgreSQL down at start-up: the relay skips those names anyway; the next start forgets them.
      .recover(failure -> {
        LOG.warn("could not forget subscriptions under unlisted names: {}", failure.getMessage());
        return Future.succeededFuture();
      });
  }

  private static void fail(Message<?> msg, Throwable failure) {
    Failures.reply(msg, failure, LOG);
  }
}
