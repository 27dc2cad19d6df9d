package io.eventwalker.lineprovider;

import io.eventwalker.lineprovider.bus.Addresses;
import io.eventwalker.lineprovider.bus.EventMessages.DurablePage;
import io.eventwalker.lineprovider.bus.EventMessages.DurableSubscription;
import io.eventwalker.lineprovider.bus.EventMessages.DurableSubscriptions;
import io.eventwalker.lineprovider.bus.EventMessages;
import io.eventwalker.lineprovider.config.LineProviderConfig;
import io.eventwalker.lineprovider.subscriptions.SubscriptionStoreVerticle;
import io.eventwalker.platform.metrics.Meters;
import io.eventwalker.testing.Await;
import io.eventwalker.testing.Backing;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With several line-providers, a rebuild of the subscriptions in Redis must not mark Redis
 * complete when Redis was emptied while it copied and another instance's rebuild began: its own
 * copy is partial then, and the relay would publish to nobody. Completion is a compare-and-set on
 * the rebuild's own token.
 */
class SubscriptionRebuildTest {

  private final String prefix = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + ":lp:";
  private final Vertx vertx = Vertx.vertx();
  private final Redis redis = Redis.createClient(vertx, Backing.redis().url());

  @AfterEach
  void stop() {
    Response keys = redis.send(Request.cmd(Command.KEYS).arg(prefix + "*")).await();
    if (keys.size() > 0) {
      Request delete = Request.cmd(Command.DEL);
      keys.forEach(key -> delete.arg(key.toString()));
      redis.send(delete).await();
    }
    vertx.close().await();
  }

  private double rebuilds(String outcome) {
    var counter = Meters.of(vertx, "line-provider").registry().find("line_provider_subscription_rebuilds").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aRebuildThatLostItsMarkerToAnotherDoesNotMarkRedisComplete() {
    Backing.requireRunning();
    JsonObject config = TestSystem.config("line-provider").put("LP_REDIS_PREFIX", prefix).put("AUTH_JWT_SECRET", "s".repeat(32));
    LineProviderConfig read = LineProviderConfig.read(config);
    String marker = prefix + "subscriptions-complete";
    EventMessages.registerCodecs(vertx);
    double lostBefore = rebuilds("lost_again");
    AtomicInteger pages = new AtomicInteger();
    // line-provider's durable subscriptions, as the repository would answer: while this instance
    // copies its first page, Redis is emptied and another instance's rebuild begins.
    vertx.eventBus().<DurableSubscriptions>localConsumer(Addresses.SUBSCRIPTIONS_DURABLE, msg -> {
      if (pages.incrementAndGet() > 1) {
        msg.reply(new DurablePage(List.of(), null));
        return;
      }
      redis.send(Request.cmd(Command.DEL).arg(marker))
        .compose(emptied -> redis.send(Request.cmd(Command.SET).arg(marker).arg("rebuilding:another-instance")))
        .onComplete(done -> msg.reply(new DurablePage(List.of(new DurableSubscription("e1", List.of("bet-maker"), Instant.now())), null)));
    });
    vertx.deployVerticle(() -> new SubscriptionStoreVerticle(read), new DeploymentOptions()).await(); // rebuilds at start-up

    Await.until("this instance's rebuild over", Duration.ofSeconds(10), () -> rebuilds("lost_again") > lostBefore);
    assertThat(redis.send(Request.cmd(Command.GET).arg(marker)).await().toString())
      .as("the other rebuild's marker is left alone, never taken for complete").isEqualTo("rebuilding:another-instance");
  }
}
