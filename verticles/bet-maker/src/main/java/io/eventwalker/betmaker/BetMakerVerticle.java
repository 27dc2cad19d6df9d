package io.eventwalker.betmaker;

import io.eventwalker.betmaker.api.BetsApiVerticle;
import io.eventwalker.betmaker.bus.BetMessages;
import io.eventwalker.betmaker.bus.WalletMessages;
import io.eventwalker.betmaker.cluster.RedisProbeVerticle;
import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.betmaker.conflicts.ConflictsVerticle;
import io.eventwalker.betmaker.idempotency.IdempotencyKeysVerticle;
import io.eventwalker.betmaker.line.CatchUpVerticle;
import io.eventwalker.betmaker.line.EventUpdatesConsumerVerticle;
import io.eventwalker.betmaker.line.LineProviderClientVerticle;
import io.eventwalker.betmaker.live.BridgeState;
import io.eventwalker.betmaker.live.LiveTcpBridgeVerticle;
import io.eventwalker.betmaker.live.SettlementPushes;
import io.eventwalker.betmaker.metrics.BetMeters;
import io.eventwalker.betmaker.metrics.WalletMeters;
import io.eventwalker.betmaker.placement.PlacementVerticle;
import io.eventwalker.betmaker.reads.BetReadsVerticle;
import io.eventwalker.betmaker.settlement.Disagreements;
import io.eventwalker.betmaker.settlement.SettlementVerticle;
import io.eventwalker.betmaker.wallet.WalletVerticle;
import io.eventwalker.platform.Lifecycle;
import io.eventwalker.platform.eventbus.LocalBus;
import io.eventwalker.platform.http.Banner;
import io.eventwalker.platform.http.ConcurrencyLimit;
import io.eventwalker.platform.http.RateLimiter;
import io.eventwalker.platform.http.Routers;
import io.eventwalker.platform.startup.SchemaAtStart;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/**
 * bet-maker: reads its configuration once ({@link BetMakerConfig}), migrates its schema (waiting
 * for PostgreSQL as long as it does not answer: {@link SchemaAtStart}), then deploys its verticles
 * and completes when all are up: the database verticles, the bridges, the HTTP API, and catch-up
 * last. Then it logs where it serves ({@link Banner}).
 */
public final class BetMakerVerticle extends VerticleBase {

  private Redis rateLimitStore;
  private BridgeState bridges;

  /** What this bet-maker's bridges share (null before it started): who listens where, and each client's sockets. */
  public BridgeState bridges() {
    return bridges;
  }

  @Override
  public Future<?> start() {
    BetMakerConfig config = BetMakerConfig.read(config());
    BetMessages.registerCodecs(vertx);
    WalletMessages.registerCodecs(vertx);
    BetMeters meters = BetMeters.of(vertx);
    meters.registerAtZero();
    WalletMeters.of(vertx).registerAtZero();
    bridges = BridgeState.start(vertx, config.bridge().limits(), meters);
    SettlementPushes pushes = new SettlementPushes(vertx, bridges.listeners());
    // Looking into a conflict may apply (and settle) what line-provider answers.
    Disagreements disagreements = ConflictsVerticle.disagreements(vertx, LocalBus.options(config.settlement().timeoutMs()));
    RateLimiter.Meter meter = new RateLimiter.Meter(meters.meters(), "bet_maker", "player", () -> meters.refused("rate_limited"));
    RateLimiter limiter = vertx.isClustered() ? sharedLimiter(config, meter) : RateLimiter.of(config.rateLimit(), meter);
    ConcurrencyLimit concurrency = ConcurrencyLimit.of(config.http());
    Lifecycle.of(vertx).counting(concurrency);
    vertx.setPeriodic(60_000, id -> limiter.purgeIdle(System.nanoTime()));
    DeploymentOptions one = new DeploymentOptions();
    return SchemaAtStart.migrate(vertx, "bet-maker", config.database(), config.http(), config.dependencies())
      .compose(migrated -> Future.all(
        vertx.deployVerticle(() -> new PlacementVerticle(config, pushes), one),
        vertx.deployVerticle(() -> new WalletVerticle(config, pushes), one),
        vertx.deployVerticle(() -> new SettlementVerticle(config, pushes, disagreements), one),
        vertx.deployVerticle(() -> new ConflictsVerticle(config, pushes), one),
        vertx.deployVerticle(() -> new IdempotencyKeysVerticle(config), one),
        vertx.deployVerticle(() -> new BetReadsVerticle(config), one)))
      .compose(database -> Future.all(
        vertx.deployVerticle(() -> new LineProviderClientVerticle(config), one),
        vertx.deployVerticle(() -> new EventUpdatesConsumerVerticle(config), one),
        vertx.deployVerticle(() -> new RedisProbeVerticle(config.redis(), config.dependencies()), one)))
      .compose(repliers -> vertx.deployVerticle(() -> new BetsApiVerticle(config, limiter, concurrency, bridges),
        new DeploymentOptions().setInstances(config.http().instances())))
      .compose(api -> config.bridge().tcpPort() == null ? Future.succeededFuture()
        : vertx.deployVerticle(() -> new LiveTcpBridgeVerticle(config, bridges), one))
      .compose(tcp -> vertx.deployVerticle(() -> new CatchUpVerticle(config), one))
      .onSuccess(catchUp -> banner(config).log());
  }

  @Override
  public Future<?> stop() {
    return rateLimitStore == null ? Future.succeededFuture() : rateLimitStore.close();
  }

  /** Where bet-maker serves: its HTTP operations, the SockJS bridge on the same port, and the TCP bridge when there is one. */
  private Banner banner(BetMakerConfig config) {
    Banner banner = Banner.of("bet-maker", config.http().host(), Routers.boundPort(vertx, "bet-maker"), BetsApiVerticle.OPENAPI);
    banner.with("SockJS", banner.base() + "/eventbus", "event-bus bridge: events.<id>, events.open; bets.<id> and players.<id>"
      + " with the owner's token");
    Integer tcp = Routers.boundPort(vertx, LiveTcpBridgeVerticle.PORT_NAME);
    if (config.bridge().tcpPort() != null && tcp != null) {
      banner.with("TCP", "tcp://" + Routers.urlHost(config.http().host()) + ":" + tcp,
        "event-bus bridge: 4-byte length, then a JSON frame; the same addresses and rules as SockJS");
    }
    return banner;
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
