package io.eventwalker.betmaker;

import io.eventwalker.shared.config.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * bet-maker: deploys its verticles and completes when all are up. The repository goes first
 * (it migrates the schema), then the bridges, the HTTP API, and catch-up last.
 */
public final class BetMakerVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    Settings settings = new Settings("bet-maker", config());
    int httpInstances = settings.integer("BM_HTTP_INSTANCES", 1, 64, 1);
    DeploymentOptions one = new DeploymentOptions().setConfig(config());
    return vertx.deployVerticle(BetRepositoryVerticle::new, one)
      .compose(repository -> Future.all(
        vertx.deployVerticle(LineProviderClientVerticle::new, one),
        vertx.deployVerticle(EventUpdatesConsumerVerticle::new, one),
        vertx.deployVerticle(RedisProbeVerticle::new, one)))
      .compose(bridges -> vertx.deployVerticle(BetsApiVerticle::new, new DeploymentOptions(one).setInstances(httpInstances)))
      .compose(api -> vertx.deployVerticle(CatchUpVerticle::new, one));
  }
}
