package io.eventwalker.lineprovider;

import io.eventwalker.platform.db.Migrations;
import io.eventwalker.platform.Lifecycle;
import io.eventwalker.platform.http.ConcurrencyLimit;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;

/**
 * line-provider: reads its configuration once ({@link LineProviderConfig}), migrates its schema,
 * then deploys its verticles and completes when all are up: the repository, the bridges, and the
 * HTTP API last, so it only answers once the rest is in place.
 */
public final class LineProviderVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    LineProviderConfig config = LineProviderConfig.read(config());
    DeploymentOptions one = new DeploymentOptions();
    ConcurrencyLimit concurrency = new ConcurrencyLimit(config.http().maxConcurrentRequests());
    Lifecycle.of(vertx).counting(concurrency);
    return prepare(vertx, config)
      .compose(migrated -> vertx.deployVerticle(() -> new EventRepositoryVerticle(config), one))
      .compose(repository -> Future.all(
        vertx.deployVerticle(() -> new SubscriptionStoreVerticle(config), one),
        vertx.deployVerticle(() -> new RequestsConsumerVerticle(config), one),
        vertx.deployVerticle(() -> new OutboxRelayVerticle(config), one)))
      .compose(bridges -> vertx.deployVerticle(() -> new EventsApiVerticle(config, concurrency),
        new DeploymentOptions().setInstances(config.http().instances())));
  }

  /** What the verticles need before they start: their message codecs, and the schema migrated. */
  static Future<Void> prepare(Vertx vertx, LineProviderConfig config) {
    EventMessages.registerCodecs(vertx);
    return Migrations.migrate(vertx, config.database(), "line-provider");
  }
}
