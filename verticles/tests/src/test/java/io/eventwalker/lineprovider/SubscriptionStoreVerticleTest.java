package io.eventwalker.lineprovider;

import io.eventwalker.lineprovider.bus.Addresses;
import io.eventwalker.lineprovider.bus.EventMessages.AddSubscriptions;
import io.eventwalker.lineprovider.bus.EventMessages.Subscribers;
import io.eventwalker.lineprovider.bus.EventMessages.SubscribersOf;
import io.eventwalker.lineprovider.config.LineProviderConfig;
import io.eventwalker.lineprovider.subscriptions.SubscriptionStoreVerticle;
import io.eventwalker.testing.Backing;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis bridge of line-provider over the event bus, with the repository it rebuilds from,
 * against the real Redis and PostgreSQL.
 */
@ExtendWith(VertxExtension.class)
class SubscriptionStoreVerticleTest {

  private final String id = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  private final String prefix = id + ":lp:";
  private final String schema = "lp_" + id;
  private Redis redis;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    Backing.requireRunning();
    JsonObject config = TestSystem.config("line-provider")
      .put("LP_PG_SCHEMA", schema)
      .put("LP_REDIS_PREFIX", prefix)
      .put("LP_SUBSCRIPTION_TTL_S", 600)
      .put("LP_SUBSCRIBERS", "bet-maker:bm-a,bet-maker:bm-b,bet-maker:bm-c")
      .put("AUTH_JWT_SECRET", "s".repeat(32));
    redis = Redis.createClient(vertx, Backing.redis().url());
    LineProviderConfig read = LineProviderConfig.read(config);
    LineProviderVerticle.prepare(vertx, read)
      .compose(migrated -> LineProviderVerticle.deployRepositories(vertx, read))
      .compose(repositories -> vertx.deployVerticle(() -> new SubscriptionStoreVerticle(read), new DeploymentOptions()))
      .onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void cleanUp(Vertx vertx) {
    forgetKeys().await();
    redis.close();
    Pool pool = PgBuilder.pool().connectingTo(Backing.postgres().connectOptions()).using(vertx).build();
    pool.query("DROP SCHEMA IF EXISTS " + schema + " CASCADE").execute().await();
    pool.close().await();
  }

  /** Deletes every key of this test, as Redis restarting empty would. */
  private Future<?> forgetKeys() {
    return redis.send(Request.cmd(Command.KEYS).arg(prefix + "*")).compose(keys -> {
      if (keys.size() == 0) {
        return Future.succeededFuture();
      }
      Request delete = Request.cmd(Command.DEL);
      keys.forEach(key -> delete.arg(key.toString()));
      return redis.send(delete);
    });
  }

  /** What line-provider does for a subscribe request: record it durably, then add it in Redis. */
  private Future<?> subscribe(Vertx vertx, AddSubscriptions subscription) {
    return vertx.eventBus().request(Addresses.SUBSCRIPTIONS_RECORD, subscription)
      .compose(recorded -> vertx.eventBus().request(Addresses.SUBSCRIPTIONS_ADD, subscription));
  }

  /** Events line-provider knows: only those can be subscribed to. */
  private void createEvents(Vertx vertx, String... ids) {
    Pool pool = PgBuilder.pool().connectingTo(Backing.postgres().connectOptions()).using(vertx).build();
    try {
      for (String id : ids) {
        pool.preparedQuery("INSERT INTO " + schema + ".events (event_id, ratio, deadline, status, version)"
          + " VALUES ($1, 1.50, now() + interval '1 day', 'NEW', 1)").execute(io.vertx.sqlclient.Tuple.of(id)).await();
      }
    } finally {
      pool.close().await();
    }
  }

  @Test
  void aSubscriptionToAnEventLineProviderDoesNotKnowIsNotRecorded(Vertx vertx, VertxTestContext ctx) {
    createEvents(vertx, "known");
    vertx.eventBus().<AddSubscriptions>request(Addresses.SUBSCRIPTIONS_RECORD,
        new AddSubscriptions("bm-a", List.of("known", "made-up-1", "made-up-2"), false))
      .onComplete(ctx.succeeding(recorded -> {
        ctx.verify(() -> assertThat(recorded.body().eventIds()).containsExactly("known"));
        ctx.completeNow();
      }));
  }

  /** Asks for subscribers until they are served (a rebuild may be running), for at most 10 s. */
  private Future<Subscribers> subscribersOf(Vertx vertx, List<String> eventIds, long deadline) {
    return vertx.eventBus().<Subscribers>request(Addresses.SUBSCRIPTIONS_OF, new SubscribersOf(eventIds))
      .map(reply -> reply.body())
      .recover(failure -> {
        if (failure instanceof ReplyException reply && reply.failureCode() == 503 && System.nanoTime() < deadline) {
          return Future.<Void>future(p -> vertx.setTimer(20, t -> p.complete())).compose(waited -> subscribersOf(vertx, eventIds, deadline));
        }
        return Future.failedFuture(failure);
      });
  }

  private long tenSeconds() {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
  }

  @Test
  void subscribersOfAnEventIncludeThoseOfEveryEvent(Vertx vertx, VertxTestContext ctx) {
    createEvents(vertx, "e1", "e2");
    var checkpoint = ctx.checkpoint(2);
    subscribe(vertx, new AddSubscriptions("bm-a", List.of("e1"), false))
      .compose(added -> subscribe(vertx, new AddSubscriptions("bm-b", List.of(), true)))
      .compose(added -> subscribersOf(vertx, List.of("e1", "e2"), tenSeconds()))
      .onComplete(ctx.succeeding(subscribers -> {
        ctx.verify(() -> {
          assertThat(subscribers.byEvent().get("e1")).containsExactlyInAnyOrder("bm-a", "bm-b");
          assertThat(subscribers.byEvent().get("e2")).containsExactly("bm-b");
        });
        checkpoint.flag();
        redis.send(Request.cmd(Command.TTL).arg(prefix + "subscribers:e1")).onComplete(ctx.succeeding(ttl -> {
          ctx.verify(() -> assertThat(ttl.toLong()).isBetween(1L, 600L));
          checkpoint.flag();
        }));
      }));
  }

  @Test
  void anEmptiedRedisIsNotTakenForNoSubscribersAndGetsEverySubscriptionBack(Vertx vertx, VertxTestContext ctx) {
    createEvents(vertx, "e1", "e2", "e3");
    subscribe(vertx, new AddSubscriptions("bm-a", List.of("e1", "e2"), false))
      .compose(added -> subscribe(vertx, new AddSubscriptions("bm-b", List.of("e2"), false)))
      .compose(added -> subscribe(vertx, new AddSubscriptions("bm-c", List.of(), true)))
      .compose(added -> subscribersOf(vertx, List.of("e1"), tenSeconds()))
      .compose(served -> forgetKeys())
      .compose(forgotten -> vertx.eventBus().<Subscribers>request(Addresses.SUBSCRIPTIONS_OF, new SubscribersOf(List.of("e1", "e2")))
        .transform(first -> {
          ctx.verify(() -> assertThat(first.failed()).as("subscribers of an emptied Redis must not read as nobody").isTrue());
          return subscribersOf(vertx, List.of("e1", "e2", "e3"), tenSeconds());
        }))
      .compose(subscribers -> redis.send(Request.cmd(Command.TTL).arg(prefix + "subscribers:e2")).map(ttl -> {
        ctx.verify(() -> {
          assertThat(subscribers.byEvent().get("e1")).containsExactlyInAnyOrder("bm-a", "bm-c");
          assertThat(subscribers.byEvent().get("e2")).containsExactlyInAnyOrder("bm-a", "bm-b", "bm-c");
          assertThat(subscribers.byEvent().get("e3")).containsExactly("bm-c");
          assertThat(ttl.toLong()).as("the rebuilt key expires as the original would").isBetween(1L, 600L);
        });
        return ttl;
      }))
      .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void answersItsReadinessProbe(Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().<String>request(Addresses.READY_REDIS, "ping").onComplete(ctx.succeeding(reply -> {
      ctx.verify(() -> assertThat(reply.body()).isEqualTo("UP"));
      ctx.completeNow();
    }));
  }
}
