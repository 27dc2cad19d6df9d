package io.eventwalker.lineprovider.subscriptions;

import io.eventwalker.lineprovider.bus.Addresses;
import io.eventwalker.lineprovider.bus.EventMessages.AddSubscriptions;
import io.eventwalker.lineprovider.bus.EventMessages.Subscribers;
import io.eventwalker.lineprovider.bus.EventMessages.SubscribersOf;
import io.eventwalker.lineprovider.config.LineProviderConfig;
import io.eventwalker.platform.dependencies.Dependency;
import io.eventwalker.platform.dependencies.DependencyWatch;
import io.eventwalker.platform.eventbus.LocalBus;
import io.eventwalker.platform.http.Failures;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.http.Readiness;
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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Subscriptions in Redis: one set per event, {@code <prefix>subscribers:<event_id>}, holding the
 * names of the services subscribed to it, and {@code <prefix>subscribers-all} for those subscribed
 * to every event. Each subscribe refreshes the key's time to live, so keys of long-finished
 * events go away by themselves.
 *
 * <p>Redis may restart empty (it keeps nothing on disk here). Every subscription is also recorded
 * in PostgreSQL ({@link SubscriptionRepositoryVerticle}, before it reaches Redis), and the key
 * {@code <prefix>subscriptions-complete} says that Redis holds all of them. When that key is
 * missing, subscribers are not answered (the relay keeps its rows and tries again) while the
 * subscriptions are put back from PostgreSQL ({@link SubscriptionRebuild}).
 */
public final class SubscriptionStoreVerticle extends VerticleBase {

  private final LineProviderConfig config;
  private final DeliveryOptions busOptions;
  private final String prefix;
  private final long ttlSeconds;
  private final long timeoutMs;
  private Redis redis;
  private DependencyWatch watch;
  private SubscriptionRebuild rebuild;

  public SubscriptionStoreVerticle(LineProviderConfig config) {
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
    rebuild = new SubscriptionRebuild(vertx, redis, config, busOptions);
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
        if (!SubscriptionRebuild.isComplete(responses.get(0))) {
          rebuild.run(true);
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

  /**
   * At start-up: puts the subscriptions back if Redis does not hold them all (Redis down: the
   * watch logs it, and the first read once it answers finds the marker missing and puts them back).
   */
  private void checkComplete() {
    redis.send(Request.cmd(Command.GET).arg(completeKey()))
      .timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .onSuccess(marker -> {
        if (!SubscriptionRebuild.isComplete(marker)) {
          rebuild.run(false);
        }
      })
      .onFailure(watch::failed);
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
