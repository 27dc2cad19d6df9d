package io.eventwalker.betmaker;

import io.eventwalker.platform.db.Migrations;
import io.eventwalker.platform.Lifecycle;
import io.eventwalker.platform.http.ConcurrencyLimit;
import io.eventwalker.platform.http.RateLimiter;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/**
 * bet-maker: reads its configuration once ({@link BetMakerConfig}), migrates its schema, then
 * deploys its verticles and completes when all are up: the database verticles, the bridges, the
 * HTTP API, and catch-up last.
 */
public final class BetMakerVerticle extends VerticleBase {

  private Redis rateLimitStore;

  @Override
  public Future<?> start() {
    BetMakerConfig config = BetMakerConfig.read(config());
    BetMessages.registerCodecs(vertx);
    BetMeters meters = BetMeters.of(vertx);
    meters.registerAtZero();
    ClusterWatch.forgetLeavingMembers(vertx);
    RateLimiter.Meter meter = new RateLimiter.Meter(meters.meters(), "bet_maker", "player", () -> meters.refused("rate_limited"));
    RateLimiter limiter = vertx.isClustered() ? sharedLimiter(config, meter) : RateLimiter.of(config.rateLimit(), meter);
    ConcurrencyLimit concurrency = ConcurrencyLimit.of(config.http());
    Lifecycle.of(vertx).counting(concurrency);
    vertx.setPeriodic(60_000, id -> limiter.purgeIdle(System.nanoTime()));
    DeploymentOptions one = new DeploymentOptions();
    return Migrations.migrate(vertx, config.database(), "bet-maker")
      .compose(migrated -> Future.all(
        vertx.deployVerticle(() -> new PlacementVerticle(config), one),
        vertx.deployVerticle(() -> new SettlementVerticle(config), one),
        vertx.deployVerticle(() -> new ConflictsVerticle(config), one),
        vertx.deployVerticle(() -> new IdempotencyKeysVerticle(config), one),
        vertx.deployVerticle(() -> new BetReadsVerticle(config), one)))
      .compose(database -> Future.all(
        vertx.deployVerticle(() -> new LineProviderClientVerticle(config), one),
        vertx.deployVerticle(() -> new EventUpdatesConsumerVerticle(config), one),
        vertx.deployVerticle(() -> new RedisProbeVerticle(config.redis()), one)))
      .compose(bridges -> vertx.deployVerticle(() -> new BetsApiVerticle(config, limiter, concurrency),
        new DeploymentOptions().setInstances(config.http().instances())))
      .compose(api -> config.bridge().tcpPort() == null ? Future.succeededFuture()
        : vertx.deployVerticle(() -> new LiveTcpBridgeVerticle(config), one))
      .compose(tcp -> vertx.deployVerticle(() -> new CatchUpVerticle(config), one));
  }

  @Override
  public Future<?> stop() {
    return rateLimitStore == null ? Future.succeededFuture() : rateLimitStore.close();
  }

  /** With several bet-makers the rate limit is kept in Redis ({@link BetMakerConfig#rateLimitPrefix}). */
  private RateLimiter sharedLimiter(BetMakerConfig config, RateLimiter.Meter meter) {
    rateLimitStore = Redis.createClient(vertx, new RedisOptions()
      .setConnectionString(config.redis().url())
      .setMaxPoolSize(8)
      .setMaxPoolWaiting(1_000)
      .setPoolName("event-walker-bet-maker-rate-limit")
      .setNetClientOptions(new NetClientOptions().setMetricsName("event-walker-bet-maker-rate-limit").setConnectTimeout(config.redis().timeoutMs())));
    return RateLimiter.shared(config.rateLimit(), vertx, rateLimitStore, config.rateLimitPrefix(), meter);
  }
}
