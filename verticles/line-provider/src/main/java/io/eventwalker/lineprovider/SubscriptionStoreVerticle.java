package io.eventwalker.lineprovider;

import io.eventwalker.platform.dependencies.Dependency;
import io.eventwalker.platform.dependencies.DependencyWatch;
import io.eventwalker.platform.eventbus.LocalBus;
import io.eventwalker.platform.http.Readiness;
import io.eventwalker.platform.http.Failures;
import io.eventwalker.lineprovider.EventMessages.AddSubscriptions;
import io.eventwalker.lineprovider.EventMessages.DurablePage;
import io.eventwalker.lineprovider.EventMessages.DurableSubscription;
import io.eventwalker.lineprovider.EventMessages.DurableSubscriptions;
import io.eventwalker.lineprovider.EventMessages.Subscribers;
import io.eventwalker.lineprovider.EventMessages.SubscribersOf;
import io.eventwalker.platform.http.Problem;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Subscriptions in Redis: one set per event, {@code <prefix>subscribers:<event_id>}, holding the
 * names of the services subscribed to it, and {@code <prefix>subscribers-all} for those subscribed
 * to every event. Each subscribe refreshes the key's time to live, so keys of long-finished
 * events go away by themselves.
 *
 * <p>Redis may restart empty (it keeps nothing on disk here). Every subscription is also recorded
 * in PostgreSQL (by the repository, before it reaches Redis), and the key
 * {@code <prefix>subscriptions-complete} says that Redis holds all of them. When that key is
 * missing, subscribers are not answered (the relay keeps its rows and tries again) while the
 * subscriptions are put back from PostgreSQL. A rebuild holds the key at
 * {@code rebuilding:<its own token>} and sets it to {@code complete} only if it still holds that
 * value (a compare-and-set in one script): if Redis lost the key meanwhile, or another instance's
 * rebuild began after such a loss, this one's copy may be partial and it does not say otherwise;
 * the next read starts over, or the other rebuild completes. Each outcome is counted in
 * {@code line_provider_subscription_rebuilds_total{outcome}}.
 */
public final class SubscriptionStoreVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionStoreVerticle.class);

  private static final String COMPLETE = "complete";
  private static final int REBUILD_PAGE = 500;
  /** While a rebuild runs, the marker says so, for at most this long (a rebuild cut short by a crash starts over). */
  private static final int REBUILDING_MARK_S = 120;
  /** Sets KEYS[1] to ARGV[2] only while it holds ARGV[1]: 1 if it did, 0 if not. */
  /** Renews KEYS[1]'s time to ARGV[2] seconds only while it holds ARGV[1]: 1 if it did, 0 if not. */
  private static final String RENEW_IF_HELD =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('EXPIRE', KEYS[1], ARGV[2]) return 1 else return 0 end";
  private static final String COMPARE_AND_SET =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 else return 0 end";

  private final LineProviderConfig config;
  private final DeliveryOptions busOptions;
  private final String prefix;
  private final long ttlSeconds;
  private final long timeoutMs;
  private Redis redis;
  private DependencyWatch watch;
  private boolean rebuilding;

  SubscriptionStoreVerticle(LineProviderConfig config) {
    this.config = config;
    this.prefix = config.redisPrefix();
    this.ttlSeconds = config.subscriptionTtlS();
    this.timeoutMs = config.redis().timeoutMs();
    this.busOptions = LocalBus.options(config.http().requestTimeoutMs());
  }

  @Override
  public Future<?> start() {
    redis = Redis.createClient(vertx, new RedisOptions()
      .setConnectionString(config.redis().url())
      .setMaxPoolSize(config.redisPoolSize())
      .setMaxPoolWaiting(10_000)
      .setPoolName("event-walker-line-provider-subscriptions")
      .setNetClientOptions(new NetClientOptions().setMetricsName("event-walker-line-provider-subscriptions").setConnectTimeout((int) timeoutMs).setTcpKeepAlive(true)));
    var bus = vertx.eventBus();
    bus.<AddSubscriptions>localConsumer(Addresses.SUBSCRIPTIONS_ADD, this::add);
    bus.<SubscribersOf>localConsumer(Addresses.SUBSCRIPTIONS_OF, this::subscribersOf);
    bus.<String>localConsumer(Addresses.READY_REDIS, this::ready);
    watch = new DependencyWatch(vertx, Dependency.redis(config.redis().url()), "line-provider", config.dependencies(),
      () -> redis.send(Request.cmd(Command.PING)), timeoutMs).start();
    checkComplete();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return redis.close();
  }

  String key(String eventId) {
    return eventKeyPrefix(prefix) + eventId;
  }

  String allKey() {
    return allKey(prefix);
  }

  String completeKey() {
    return completeKey(prefix);
  }

  /** The start of each event's set, {@code <prefix>subscribers:<event_id>}. */
  public static String eventKeyPrefix(String prefix) {
    return prefix + "subscribers:";
  }

  /** The set of the services subscribed to every event. */
  public static String allKey(String prefix) {
    return prefix + "subscribers-all";
  }

  /** The marker saying Redis holds every subscription. */
  public static String completeKey(String prefix) {
    return prefix + "subscriptions-complete";
  }

  private void add(Message<AddSubscriptions> msg) {
    List<Request> commands = new ArrayList<>();
    if (msg.body().all()) {
      commands.add(Request.cmd(Command.SADD).arg(allKey()).arg(msg.body().subscriber()));
      commands.add(Request.cmd(Command.EXPIRE).arg(allKey()).arg(ttlSeconds));
    }
    for (String eventId : msg.body().eventIds()) {
      commands.add(Request.cmd(Command.SADD).arg(key(eventId)).arg(msg.body().subscriber()));
      commands.add(Request.cmd(Command.EXPIRE).arg(key(eventId)).arg(ttlSeconds));
    }
    redis.batch(commands)
      .timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .onSuccess(done -> {
        watch.succeeded();
        msg.reply("OK");
      })
      .onFailure(failure -> unavailable(msg, failure));
  }

  private void subscribersOf(Message<SubscribersOf> msg) {
    List<String> eventIds = msg.body().eventIds();
    List<Request> commands = new ArrayList<>(eventIds.size() + 2);
    commands.add(Request.cmd(Command.GET).arg(completeKey()));
    commands.add(Request.cmd(Command.SMEMBERS).arg(allKey()));
    for (String eventId : eventIds) {
      commands.add(Request.cmd(Command.SMEMBERS).arg(key(eventId)));
    }
    redis.batch(commands)
      .timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .onSuccess(responses -> {
        watch.succeeded();
        if (!isComplete(responses.get(0))) {
          rebuild(true);
          Failures.reply(msg, Problem.of(503, "Redis does not hold every subscription (it restarted empty?); they are being put back"
            + " from PostgreSQL"));
          return;
        }
        Set<String> everyEvent = members(responses.get(1));
        Map<String, List<String>> byEvent = new HashMap<>();
        for (int i = 0; i < eventIds.size(); i++) {
          Set<String> names = members(responses.get(i + 2));
          names.addAll(everyEvent);
          byEvent.put(eventIds.get(i), List.copyOf(names));
        }
        msg.reply(new Subscribers(byEvent));
      })
      .onFailure(failure -> unavailable(msg, failure));
  }

  private static boolean isComplete(Response marker) {
    return marker != null && COMPLETE.equals(marker.toString());
  }

  /**
   * At start-up: puts the subscriptions back if Redis does not hold them all (Redis down: the
   * watch logs it, and the first read once it answers finds the marker missing and puts them back).
   */
  private void checkComplete() {
    redis.send(Request.cmd(Command.GET).arg(completeKey()))
      .timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .onSuccess(marker -> {
        if (!isComplete(marker)) {
          rebuild(false);
        }
      })
      .onFailure(watch::failed);
  }

  /**
   * Copies every durable subscription from PostgreSQL into Redis, then marks Redis complete (one
   * rebuild at a time). {@code lost}: found out while running, so Redis lost them (it restarted
   * empty), worth a WARN; at start-up it may as well be a first start.
   */
  private void rebuild(boolean lost) {
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
    return vertx.eventBus().<DurablePage>request(Addresses.SUBSCRIPTIONS_DURABLE, new DurableSubscriptions(after, REBUILD_PAGE), busOptions)
      .compose(reply -> {
        DurablePage page = reply.body();
        long now = Instant.now().getEpochSecond();
        List<Request> commands = new ArrayList<>();
        for (DurableSubscription subscription : page.subscriptions()) {
          long expiresAt = subscription.renewedAt().getEpochSecond() + ttlSeconds;
          if (expiresAt <= now) {
            continue;
          }
          String key = subscription.eventId().equals(EventRepositoryVerticle.ALL_EVENTS) ? allKey() : key(subscription.eventId());
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

  private static Set<String> members(Response set) {
    Set<String> names = new TreeSet<>();
    if (set != null) {
      set.forEach(member -> names.add(member.toString()));
    }
    return names;
  }

  private void ready(Message<String> msg) {
    Readiness.answer(msg, Dependency.redis(config.redis().url()), redis.send(Request.cmd(Command.PING)), timeoutMs);
  }

  /** A command failed: logged through the watch (throttled, naming Redis), and the asker told 503. */
  private void unavailable(Message<?> msg, Throwable failure) {
    watch.failed(failure);
    Failures.reply(msg, Problem.of(503, "subscriptions are unavailable (Redis); try again"));
  }
}
