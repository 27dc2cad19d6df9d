package io.eventwalker.lineprovider;

import io.eventwalker.lineprovider.EventMessages.AddSubscriptions;
import io.eventwalker.lineprovider.EventMessages.Subscribers;
import io.eventwalker.lineprovider.EventMessages.SubscribersOf;
import io.eventwalker.testing.Backing;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The Redis bridge of line-provider, over the event bus, against the real Redis. */
@ExtendWith(VertxExtension.class)
class SubscriptionStoreVerticleTest {

  private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ":lp:";

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    Backing.requireRunning();
    JsonObject config = new JsonObject()
      .put("REDIS_URL", "redis://" + Backing.REDIS_HOST + ":" + Backing.REDIS_PORT)
      .put("LP_REDIS_PREFIX", prefix)
      .put("LP_SUBSCRIPTION_TTL_S", 600);
    EventMessages.registerCodecs(vertx);
    vertx.deployVerticle(SubscriptionStoreVerticle::new, new DeploymentOptions().setConfig(config))
      .onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void cleanUp(Vertx vertx) {
    Redis redis = Redis.createClient(vertx, "redis://" + Backing.REDIS_HOST + ":" + Backing.REDIS_PORT);
    for (String key : List.of(prefix + "subscribers:e1", prefix + "subscribers:e2", prefix + "subscribers-all")) {
      redis.send(Request.cmd(Command.DEL).arg(key)).await();
    }
    redis.close();
  }

  @Test
  void subscribersOfAnEventIncludeThoseOfEveryEvent(Vertx vertx, VertxTestContext ctx) {
    var bus = vertx.eventBus();
    var checkpoint = ctx.checkpoint(2);
    bus.request(Addresses.SUBSCRIPTIONS_ADD, new AddSubscriptions("bm-a", List.of("e1"), false))
      .compose(added -> bus.request(Addresses.SUBSCRIPTIONS_ADD, new AddSubscriptions("bm-b", List.of(), true)))
      .compose(added -> bus.<Subscribers>request(Addresses.SUBSCRIPTIONS_OF, new SubscribersOf(List.of("e1", "e2"))))
      .onComplete(ctx.succeeding(reply -> {
        ctx.verify(() -> {
          assertThat(reply.body().byEvent().get("e1")).containsExactlyInAnyOrder("bm-a", "bm-b");
          assertThat(reply.body().byEvent().get("e2")).containsExactly("bm-b");
        });
        checkpoint.flag();
        Redis redis = Redis.createClient(vertx, "redis://" + Backing.REDIS_HOST + ":" + Backing.REDIS_PORT);
        redis.send(Request.cmd(Command.TTL).arg(prefix + "subscribers:e1")).onComplete(ctx.succeeding(ttl -> {
          ctx.verify(() -> assertThat(ttl.toLong()).isBetween(1L, 600L));
          redis.close();
          checkpoint.flag();
        }));
      }));
  }

  @Test
  void answersItsReadinessProbe(Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().<String>request(Addresses.READY_REDIS, "ping").onComplete(ctx.succeeding(reply -> {
      ctx.verify(() -> assertThat(reply.body()).isEqualTo("UP"));
      ctx.completeNow();
    }));
  }
}
