package io.eventwalker.lineprovider;

import io.eventwalker.lineprovider.EventMessages.AddSubscriptions;
import io.eventwalker.lineprovider.EventMessages.Subscribers;
import io.eventwalker.lineprovider.EventMessages.SubscribersOf;
import io.eventwalker.shared.config.Settings;
import io.eventwalker.shared.http.Problem;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * to every event. Each subscribe refreshes the key's time to live, so
 * keys of long-finished events go away by themselves. Redis keeps nothing across a restart here:
 * subscribers re-subscribe (bet-maker does so for every event it still has pending bets on).
 */
public final class SubscriptionStoreVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionStoreVerticle.class);

  private Redis redis;
  private String prefix;
  private long ttlSeconds;
  private long timeoutMs;

  @Override
  public Future<?> start() {
    Settings settings = new Settings("line-provider", config());
    prefix = settings.string("LP_REDIS_PREFIX", "lp:");
    ttlSeconds = settings.longValue("LP_SUBSCRIPTION_TTL_S", 60, 365L * 24 * 3600, 30L * 24 * 3600);
    timeoutMs = settings.integer("REDIS_TIMEOUT_MS", 100, 60_000, 2_000);
    redis = Redis.createClient(vertx, new RedisOptions()
      .setConnectionString(settings.string("REDIS_URL"))
      .setMaxPoolSize(settings.integer("REDIS_POOL_SIZE", 1, 64, 6))
      .setMaxPoolWaiting(10_000)
      .setNetClientOptions(new NetClientOptions().setConnectTimeout((int) timeoutMs).setTcpKeepAlive(true)));
    var bus = vertx.eventBus();
    bus.<AddSubscriptions>consumer(Addresses.SUBSCRIPTIONS_ADD, this::add);
    bus.<SubscribersOf>consumer(Addresses.SUBSCRIPTIONS_OF, this::subscribersOf);
    bus.<String>consumer(Addresses.READY_REDIS, this::ready);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return redis.close();
  }

  String key(String eventId) {
    return prefix + "subscribers:" + eventId;
  }

  String allKey() {
    return prefix + "subscribers-all";
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
      .onSuccess(done -> msg.reply("OK"))
      .onFailure(failure -> unavailable(msg, failure));
  }

  private void subscribersOf(Message<SubscribersOf> msg) {
    List<String> eventIds = msg.body().eventIds();
    List<Request> commands = new ArrayList<>(eventIds.size() + 1);
    commands.add(Request.cmd(Command.SMEMBERS).arg(allKey()));
    for (String eventId : eventIds) {
      commands.add(Request.cmd(Command.SMEMBERS).arg(key(eventId)));
    }
    redis.batch(commands)
      .timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .onSuccess(responses -> {
        Set<String> everyEvent = members(responses.get(0));
        Map<String, List<String>> byEvent = new HashMap<>();
        for (int i = 0; i < eventIds.size(); i++) {
          Set<String> names = members(responses.get(i + 1));
          names.addAll(everyEvent);
          byEvent.put(eventIds.get(i), List.copyOf(names));
        }
        msg.reply(new Subscribers(byEvent));
      })
      .onFailure(failure -> unavailable(msg, failure));
  }

  private static Set<String> members(Response set) {
    Set<String> names = new TreeSet<>();
    if (set != null) {
      set.forEach(member -> names.add(member.toString()));
    }
    return names;
  }

  private void ready(Message<String> msg) {
    redis.send(Request.cmd(Command.PING))
      .timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .onSuccess(pong -> msg.reply("UP"))
      .onFailure(failure -> msg.fail(503, "Redis: " + failure.getMessage()));
  }

  private static void unavailable(Message<?> msg, Throwable failure) {
    LOG.warn("Redis unavailable: {}", failure.getMessage());
    msg.fail(503, Problem.of(503, "subscriptions are unavailable (Redis); try again").toJson().encode());
  }
}
