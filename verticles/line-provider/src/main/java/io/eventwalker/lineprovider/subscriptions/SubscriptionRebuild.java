package io.eventwalker.lineprovider.subscriptions;

import io.eventwalker.lineprovider.bus.EventMessages.DurableSubscription;
import io.eventwalker.lineprovider.bus.EventMessages.DurableSubscriptions;
import io.eventwalker.lineprovider.bus.SubscriptionsBus;
import io.eventwalker.lineprovider.config.LineProviderConfig;
import io.eventwalker.lineprovider.metrics.LineProviderMeters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Puts the subscriptions back into an emptied Redis from PostgreSQL ({@link SubscriptionRepositoryVerticle}),
 * for {@link SubscriptionStoreVerticle}. The key {@code <prefix>subscriptions-complete} says that
 * Redis holds all of them. A rebuild holds the key at {@code rebuilding:<its own token>} and sets
 * it to {@code complete} only if it still holds that value (a compare-and-set in one script): if
 * Redis lost the key meanwhile, or another instance's rebuild began after such a loss, this one's
 * copy may be partial and it does not say otherwise; the next read starts over, or the other
 * rebuild completes. Each outcome is counted in {@code line_provider_subscription_rebuilds_total{outcome}}.
 */
final class SubscriptionRebuild {

  /** Logged as the store's lines: the rebuild is its own. */
  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionStoreVerticle.class);

  private static final String COMPLETE = "complete";
  private static final int REBUILD_PAGE = 500;
  /** While a rebuild runs, the marker says so, for at most this long (a rebuild cut short by a crash starts over). */
  private static final int REBUILDING_MARK_S = 120;
  /** Renews KEYS[1]'s time to ARGV[2] seconds only while it holds ARGV[1]: 1 if it did, 0 if not. */
  private static final String RENEW_IF_HELD =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('EXPIRE', KEYS[1], ARGV[2]) return 1 else return 0 end";
  /** Sets KEYS[1] to ARGV[2] only while it holds ARGV[1]: 1 if it did, 0 if not. */
  private static final String COMPARE_AND_SET =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 else return 0 end";

  private final Vertx vertx;
  private final Redis redis;
  private final String prefix;
  private final long ttlSeconds;
  private final long timeoutMs;
  private final DeliveryOptions busOptions;
  private boolean rebuilding;

  SubscriptionRebuild(Vertx vertx, Redis redis, LineProviderConfig config, DeliveryOptions busOptions) {
    this.vertx = vertx;
    this.redis = redis;
    this.prefix = config.redisPrefix();
    this.ttlSeconds = config.subscriptionTtlS();
    this.timeoutMs = config.redis().timeoutMs();
    this.busOptions = busOptions;
  }

  /** Whether the marker read from {@code <prefix>subscriptions-complete} says Redis holds every subscription. */
  static boolean isComplete(Response marker) {
    return marker != null && COMPLETE.equals(marker.toString());
  }

  private String completeKey() {
    return SubscriptionStoreVerticle.completeKey(prefix);
  }

  /**
   * Copies every durable subscription from PostgreSQL into Redis, then marks Redis complete (one
   * rebuild at a time). {@code lost}: found out while running, so Redis lost them (it restarted
   * empty), worth a WARN; at start-up it may as well be a first start.
   */
  void run(boolean lost) {
    if (rebuilding) {
      return;
    }
    rebuilding = true;
    if (lost) {
      LOG.warn("Redis lost the subscriptions (it restarted empty?): putting them back from PostgreSQL");
    } else {
      LOG.info("Redis does not hold every subscription (a first start, or Redis restarted empty): putting them back from PostgreSQL");
    }
    long started = System.nanoTime();
    String token = "rebuilding:" + UUID.randomUUID();
    redis.send(Request.cmd(Command.SET).arg(completeKey()).arg(token).arg("EX").arg(REBUILDING_MARK_S))
      .timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .compose(marked -> copy(token, null, 0))
      // Only if the marker is still this rebuild's: if Redis lost it meanwhile (and another rebuild
      // may have begun), this copy may be partial, and the next read or the other rebuild finishes.
      .compose(copied -> copied < 0 ? Future.succeededFuture(-1)
        : redis.send(Request.cmd(Command.EVAL).arg(COMPARE_AND_SET).arg(1).arg(completeKey()).arg(token).arg(COMPLETE))
          .timeout(timeoutMs, TimeUnit.MILLISECONDS)
          .map(set -> set != null && set.toInteger() == 1 ? copied : -1))
      .onComplete(done -> {
        rebuilding = false;
        if (done.failed()) {
          rebuilds("failed");
          LOG.warn("putting the subscriptions back into Redis stopped ({}); the next read tries again", done.cause().getMessage());
        } else if (done.result() < 0) {
          rebuilds("lost_again");
          LOG.warn("Redis lost the subscriptions again while they were put back; the next read starts over");
        } else {
          rebuilds("complete");
          LOG.info("put {} events' subscriptions back into Redis in {} ms", done.result(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
      });
  }

  private void rebuilds(String outcome) {
    LineProviderMeters.of(vertx).rebuilt(outcome);
  }

  /**
   * One page, then the next; before each, the marker's time is renewed if it is still this
   * rebuild's (a long rebuild keeps its marker; one whose marker is gone stops early: -1).
   */
  private Future<Integer> copy(String token, String after, int copied) {
    return redis.send(Request.cmd(Command.EVAL).arg(RENEW_IF_HELD).arg(1).arg(completeKey()).arg(token).arg(REBUILDING_MARK_S))
      .timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .compose(held -> held == null || held.toInteger() != 1 ? Future.succeededFuture(-1) : copyPage(token, after, copied));
  }

  private Future<Integer> copyPage(String token, String after, int copied) {
    return SubscriptionsBus.durable(vertx, new DurableSubscriptions(after, REBUILD_PAGE), busOptions)
      .compose(page -> {
        long now = Instant.now().getEpochSecond();
        List<Request> commands = new ArrayList<>();
        for (DurableSubscription subscription : page.subscriptions()) {
          long expiresAt = subscription.renewedAt().getEpochSecond() + ttlSeconds;
          if (expiresAt <= now) {
            continue;
          }
          String key = subscription.eventId().equals(SubscriptionRepositoryVerticle.ALL_EVENTS)
            ? SubscriptionStoreVerticle.allKey(prefix) : SubscriptionStoreVerticle.eventKeyPrefix(prefix) + subscription.eventId();
          Request add = Request.cmd(Command.SADD).arg(key);
          subscription.subscribers().forEach(add::arg);
          commands.add(add);
          commands.add(Request.cmd(Command.EXPIREAT).arg(key).arg(expiresAt));
        }
        Future<?> written = commands.isEmpty() ? Future.succeededFuture()
          : redis.batch(commands).timeout(timeoutMs, TimeUnit.MILLISECONDS);
        int total = copied + page.subscriptions().size();
        return written.compose(done -> page.nextAfter() == null ? Future.succeededFuture(total) : copy(token, page.nextAfter(), total));
      });
  }
}
