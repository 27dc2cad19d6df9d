package io.eventwalker.betmaker;

import io.eventwalker.shared.config.Settings;
import io.eventwalker.shared.http.ConcurrencyLimit;
import io.eventwalker.shared.http.RateLimiter;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.util.HashSet;
import java.util.Set;

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
    BetRequest.maxSumBet(settings); // a stake limit the bets table cannot hold stops start-up here
    RateLimiter limiter = rateLimiter(settings);
    ConcurrencyLimit concurrency = new ConcurrencyLimit(settings.integer("BM_MAX_CONCURRENT_REQUESTS", 1, 100_000));
    vertx.setPeriodic(60_000, id -> limiter.purgeIdle(System.nanoTime()));
    return vertx.deployVerticle(BetRepositoryVerticle::new, one)
      .compose(repository -> Future.all(
        vertx.deployVerticle(LineProviderClientVerticle::new, one),
        vertx.deployVerticle(EventUpdatesConsumerVerticle::new, one),
        vertx.deployVerticle(RedisProbeVerticle::new, one)))
      .compose(bridges -> vertx.deployVerticle(() -> new BetsApiVerticle(limiter, concurrency), new DeploymentOptions(one).setInstances(httpInstances)))
      .compose(api -> vertx.deployVerticle(CatchUpVerticle::new, one));
  }

  /** {@code POST /bet} per client: {@code BM_RATE_LIMIT_PER_S} (0 turns the limit off), bursts of {@code BM_RATE_LIMIT_BURST}. */
  static RateLimiter rateLimiter(Settings settings) {
    int perSecond = settings.integer("BM_RATE_LIMIT_PER_S", 0, 1_000_000, 100);
    int burst = settings.integer("BM_RATE_LIMIT_BURST", 1, 1_000_000, 500);
    Set<String> exempt = new HashSet<>();
    for (String address : settings.string("BM_RATE_LIMIT_EXEMPT", "").split(",")) {
      if (!address.isBlank()) {
        exempt.add(address.trim());
      }
    }
    return perSecond == 0 ? RateLimiter.unlimited() : new RateLimiter(perSecond, burst, exempt);
  }
}
