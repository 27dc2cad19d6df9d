package io.eventwalker.lineprovider;

import io.eventwalker.lineprovider.api.EventsApiVerticle;
import io.eventwalker.lineprovider.bus.EventMessages;
import io.eventwalker.lineprovider.config.LineProviderConfig;
import io.eventwalker.lineprovider.events.EventRepositoryVerticle;
import io.eventwalker.lineprovider.live.LineBridge;
import io.eventwalker.lineprovider.metrics.LineProviderMeters;
import io.eventwalker.lineprovider.outbox.OutboxRelayVerticle;
import io.eventwalker.lineprovider.outbox.OutboxRepositoryVerticle;
import io.eventwalker.lineprovider.requests.RequestsConsumerVerticle;
import io.eventwalker.lineprovider.subscriptions.SubscriptionRepositoryVerticle;
import io.eventwalker.lineprovider.subscriptions.SubscriptionStoreVerticle;
import io.eventwalker.platform.Lifecycle;
import io.eventwalker.platform.db.Migrations;
import io.eventwalker.platform.http.Banner;
import io.eventwalker.platform.http.ClientSockets;
import io.eventwalker.platform.http.ConcurrencyLimit;
import io.eventwalker.platform.http.RateLimiter;
import io.eventwalker.platform.http.Routers;
import io.eventwalker.platform.startup.SchemaAtStart;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/**
 * line-provider: reads its configuration once ({@link LineProviderConfig}), migrates its schema
 * (waiting for PostgreSQL as long as it does not answer: {@link SchemaAtStart}), then deploys its
 * verticles and completes when all are up: the repositories, the bridges, and the HTTP API last, so
 * it only answers once the rest is in place. Then it logs where it serves ({@link Banner}).
 */
public final class LineProviderVerticle extends VerticleBase {

  private Redis rateLimitStore;
  private final ClientSockets bridgeSockets = new ClientSockets(LineBridge.MAX_SOCKETS_PER_CLIENT);

  /** The sockets of line-provider's bridge, by client, over every HTTP verticle. */
  public ClientSockets bridgeSockets() {
    return bridgeSockets;
  }

  @Override
  public Future<?> start() {
    LineProviderConfig config = LineProviderConfig.read(config());
    LineProviderMeters meters = LineProviderMeters.of(vertx);
    meters.registerAtZero();
    DeploymentOptions one = new DeploymentOptions();
    ConcurrencyLimit concurrency = ConcurrencyLimit.of(config.http());
    Lifecycle.of(vertx).counting(concurrency);
    RateLimiter.Meter meter = new RateLimiter.Meter(meters.meters(), "line_provider", "operator", () -> { });
    RateLimiter writeLimit = vertx.isClustered() ? sharedLimiter(config, meter) : RateLimiter.of(config.writeRateLimit(), meter);
    vertx.setPeriodic(60_000, id -> writeLimit.purgeIdle(System.nanoTime()));
    EventMessages.registerCodecs(vertx);
    return SchemaAtStart.migrate(vertx, "line-provider", config.database(), config.http(), config.dependencies())
      .compose(migrated -> deployRepositories(vertx, config))
      .compose(repositories -> Future.all(
        vertx.deployVerticle(() -> new SubscriptionStoreVerticle(config), one),
        vertx.deployVerticle(() -> new RequestsConsumerVerticle(config), one),
        vertx.deployVerticle(() -> new OutboxRelayVerticle(config), one)))
      .compose(bridges -> vertx.deployVerticle(() -> new EventsApiVerticle(config, concurrency, writeLimit, bridgeSockets),
        new DeploymentOptions().setInstances(config.http().instances())))
      .onSuccess(api -> banner(config).log());
  }

  @Override
  public Future<?> stop() {
    return rateLimitStore == null ? Future.succeededFuture() : rateLimitStore.close();
  }

  /** Where line-provider serves: its HTTP operations, and the read-only SockJS bridge its page follows the line through. */
  private Banner banner(LineProviderConfig config) {
    Banner banner = Banner.of("line-provider", config.http().host(), Routers.boundPort(vertx, "line-provider"), EventsApiVerticle.OPENAPI);
    return banner.with("SockJS", banner.base() + "/eventbus", "event-bus bridge, read-only: events.open and events.<id> as the line"
      + " changes");
  }

  /** With several line-providers the write rate limit is kept in Redis ({@link LineProviderConfig#rateLimitPrefix}). */
  private RateLimiter sharedLimiter(LineProviderConfig config, RateLimiter.Meter meter) {
    rateLimitStore = Redis.createClient(vertx, new RedisOptions()
      .setConnectionString(config.redis().url())
      .setMaxPoolSize(2)
      .setMaxPoolWaiting(1_000)
      .setPoolName("event-walker-line-provider-rate-limit")
      .setNetClientOptions(new NetClientOptions().setMetricsName("event-walker-line-provider-rate-limit")
        .setConnectTimeout(config.redis().timeoutMs())));
    return RateLimiter.shared(config.writeRateLimit(), vertx, rateLimitStore, config.rateLimitPrefix(), meter);
  }

  /** The PostgreSQL side, each a verticle of its own: the events, the outbox, the durable subscriptions. */
  static Future<?> deployRepositories(Vertx vertx, LineProviderConfig config) {
    DeploymentOptions one = new DeploymentOptions();
    return Future.all(
      vertx.deployVerticle(() -> new EventRepositoryVerticle(config), one),
      vertx.deployVerticle(() -> new OutboxRepositoryVerticle(config), one),
      vertx.deployVerticle(() -> new SubscriptionRepositoryVerticle(config), one));
  }

  /** What the verticles need before they start, PostgreSQL answering: their message codecs, and the schema migrated. */
  static Future<Void> prepare(Vertx vertx, LineProviderConfig config) {
    EventMessages.registerCodecs(vertx);
    return Migrations.migrate(vertx, config.database(), "line-provider");
  }
}
