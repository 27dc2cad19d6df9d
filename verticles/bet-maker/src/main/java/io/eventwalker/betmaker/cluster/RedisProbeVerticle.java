package io.eventwalker.betmaker.cluster;

import io.eventwalker.betmaker.bus.Addresses;
import io.eventwalker.platform.config.RedisConfig;
import io.eventwalker.platform.dependencies.Dependency;
import io.eventwalker.platform.dependencies.DependencyConfig;
import io.eventwalker.platform.dependencies.DependencyWatch;
import io.eventwalker.platform.http.Readiness;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;

/**
 * bet-maker's Redis bridge. bet-maker keeps nothing in Redis (its subscriptions live at
 * line-provider); it answers the readiness probe, since {@code /ready} reports on all three
 * backing services of the system, and watches Redis so that Redis down is logged like any
 * dependency down ({@link DependencyWatch}).
 */
public final class RedisProbeVerticle extends VerticleBase {

  private final RedisConfig config;
  private final DependencyConfig dependencies;
  private final long timeoutMs;
  private Redis redis;

  public RedisProbeVerticle(RedisConfig config, DependencyConfig dependencies) {
    this.config = config;
    this.dependencies = dependencies;
    this.timeoutMs = config.timeoutMs();
  }

  @Override
  public Future<?> start() {
    redis = Redis.createClient(vertx, new RedisOptions()
      .setConnectionString(config.url())
      .setMaxPoolSize(1)
      .setPoolName("event-walker-bet-maker-redis-probe")
      .setNetClientOptions(new NetClientOptions().setMetricsName("event-walker-bet-maker-redis-probe").setConnectTimeout((int) timeoutMs)));
    vertx.eventBus().<String>localConsumer(Addresses.READY_REDIS, this::ready);
    new DependencyWatch(vertx, Dependency.redis(config.url()), "bet-maker", dependencies, () -> redis.send(Request.cmd(Command.PING)), timeoutMs)
      .start();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return redis.close();
  }

  private void ready(Message<String> msg) {
    Readiness.answer(msg, Dependency.redis(config.url()), redis.send(Request.cmd(Command.PING)), timeoutMs);
  }
}
