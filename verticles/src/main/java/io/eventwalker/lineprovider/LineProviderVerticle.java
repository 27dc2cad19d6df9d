package io.eventwalker.lineprovider;

import io.eventwalker.shared.config.Settings;
import io.eventwalker.shared.http.ConcurrencyLimit;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * line-provider: deploys its verticles and completes when all are up. The repository goes first
 * (it migrates the schema); the HTTP API last, so it only answers once the rest is in place.
 */
public final class LineProviderVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    Settings settings = new Settings("line-provider", config());
    int httpInstances = settings.integer("LP_HTTP_INSTANCES", 1, 64, 1);
    DeploymentOptions one = new DeploymentOptions().setConfig(config());
    ConcurrencyLimit concurrency = new ConcurrencyLimit(settings.integer("LP_MAX_CONCURRENT_REQUESTS", 1, 100_000));
    return vertx.deployVerticle(EventRepositoryVerticle::new, one)
      .compose(repository -> Future.all(
        vertx.deployVerticle(SubscriptionStoreVerticle::new, one),
        vertx.deployVerticle(RequestsConsumerVerticle::new, one),
        vertx.deployVerticle(OutboxRelayVerticle::new, one)))
      .compose(bridges -> vertx.deployVerticle(() -> new EventsApiVerticle(concurrency), new DeploymentOptions(one).setInstances(httpInstances)));
  }
}
